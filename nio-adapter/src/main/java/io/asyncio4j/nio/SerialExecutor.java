package io.asyncio4j.nio;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;

/**
 * Runs tasks one at a time in submission order, on the thread that finds it idle. A task submitted while another
 * runs is queued and run by the running thread after it: this serializes a connection's callbacks and, because a
 * completion inside a callback is queued rather than run on top of it, keeps synchronous read/write chains from
 * growing the stack.
 *
 * <p>Tasks that a running task submits (the common case: an I/O completion inside a callback) go to a queue only
 * the running thread touches; tasks from other threads go through a concurrent queue. When those are done, an
 * idle hook may run before the thread lets go: the connection uses it to send, in one write, what its callbacks
 * wrote during the batch (as Netty flushes at the end of a read burst), and then to issue its next socket read.
 *
 * <p>The connection's state is confined to this executor: {@link #inExecutor()} tells its code whether it may touch
 * that state directly or must {@link #execute} a task.
 */
final class SerialExecutor implements ConnectionExecutor {

    private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);

    private static final VarHandle PENDING;

    static {
        try {
            PENDING = MethodHandles.lookup().findVarHandle(SerialExecutor.class, "pending", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ConcurrentLinkedQueue<Runnable> remote = new ConcurrentLinkedQueue<>();
    /**
     * Tasks submitted by the thread that is running tasks; only that thread touches it. Created on first use, so
     * an idle connection does not hold one.
     */
    private ArrayDeque<Runnable> local;
    private Runnable idleHook;
    /** Set by a running task, read and cleared by the runner: only the runner thread touches it. */
    private boolean idleRequested;
    /** How many remote submissions are not run yet, the one running included. */
    private volatile int pending;
    /**
     * The thread running tasks now, or {@code null}. Plain, not volatile: it is only ever compared with the reading
     * thread, and a thread always sees its own last write, so a stale value read by another thread is some other
     * thread (or {@code null}) and compares unequal just as the current one would. Hand-overs between runners are
     * ordered by {@code pending}'s atomic updates.
     */
    private Thread runner;

    @Override
    public void execute(Runnable task) {
        if (runner == Thread.currentThread()) {
            if (local == null) {
                local = new ArrayDeque<>(4); // grows while a burst queues more
            }
            local.addLast(task);
            return;
        }
        if (PENDING.compareAndSet(this, 0, 1)) {
            // Idle: run it here without queueing.
            drain(task);
            return;
        }
        remote.offer(task);
        if ((int) PENDING.getAndAdd(this, 1) == 0) {
            drain(remote.poll());
        }
    }

    /**
     * Runs {@code task} here if this executor is idle, with the tasks it queues itself and the idle hook, but does
     * not stay for tasks other threads submit meanwhile: those are handed to {@code handoff}, which drains them as
     * {@link #execute} would. If this executor is busy, {@code task} is queued as by {@link #execute}.
     */
    @Override
    public void executeFromOutside(Runnable task, Executor handoff) {
        if (runner == Thread.currentThread() || !PENDING.compareAndSet(this, 0, 1)) {
            execute(task);
            return;
        }
        runOne(task);
        runner = null;
        if ((int) PENDING.getAndAdd(this, -1) == 1) {
            return;
        }
        // Tasks from other threads arrived: this thread still owes their drain, which the hand-off takes over.
        Runnable next = remote.poll();
        try {
            handoff.execute(() -> drain(next));
        } catch (RuntimeException | Error rejected) { // the hand-off is shut down (or broke): drain here after all
            drain(next);
        }
    }

    /** Runs before the running thread lets go of the executor, once the tasks queued so far are done. */
    @Override
    public void idleHook(Runnable hook) {
        this.idleHook = hook;
    }

    @Override
    public void executeAfterSubmitted(Runnable task) {
        remote.offer(task);
        PENDING.getAndAdd(this, 1); // never from 0: the running task is counted until it is done
    }

    @Override
    public boolean inExecutor() {
        return runner == Thread.currentThread();
    }

    @Override
    public void runWhenIdle() {
        idleRequested = true;
    }

    private void drain(Runnable first) {
        Runnable task = first;
        while (true) {
            runOne(task);
            // Give up the runner role before the count can let another thread in.
            runner = null;
            if ((int) PENDING.getAndAdd(this, -1) == 1) {
                return;
            }
            task = remote.poll();
        }
    }

    /** As the runner: runs {@code task}, then what it queued locally and the idle hook (maybe more than once). */
    private void runOne(Runnable task) {
        runner = Thread.currentThread();
        runSafely(task);
        runLocal();
        while (idleRequested) {
            idleRequested = false;
            runSafely(idleHook);
            runLocal();
        }
    }

    private void runLocal() {
        ArrayDeque<Runnable> queued = local;
        Runnable next;
        while (queued != null && (next = queued.pollFirst()) != null) {
            runSafely(next);
            queued = local;
        }
    }

    private static void runSafely(Runnable task) {
        try {
            task.run();
        } catch (Throwable t) {
            log.error("task failed on a connection executor", t);
        }
    }
}
