package io.asyncio4j.nio;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs tasks one at a time in submission order, on the thread that finds it idle. A task submitted while another
 * runs is queued and run by the running thread after it: this serializes a connection's callbacks and, because a
 * completion inside a callback is queued rather than run on top of it, keeps synchronous read/write chains from
 * growing the stack.
 *
 * <p>Tasks that a running task submits (the common case: an I/O completion inside a callback) go to a queue only
 * the running thread touches; tasks from other threads go through a concurrent queue.
 */
final class SerialExecutor implements Executor {

    private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);

    private final ConcurrentLinkedQueue<Runnable> remote = new ConcurrentLinkedQueue<>();
    /** Tasks submitted by the thread that is running tasks; only that thread touches it. */
    private final ArrayDeque<Runnable> local = new ArrayDeque<>();
    /** How many remote submissions are not run yet, the one running included. */
    private final AtomicInteger pending = new AtomicInteger();
    /** The thread running tasks now, or {@code null}. */
    private volatile Thread runner;

    @Override
    public void execute(Runnable task) {
        if (runner == Thread.currentThread()) {
            local.addLast(task);
            return;
        }
        if (pending.compareAndSet(0, 1)) {
            // Idle: run it here without queueing.
            drain(task);
            return;
        }
        remote.offer(task);
        if (pending.getAndIncrement() == 0) {
            drain(remote.poll());
        }
    }

    private void drain(Runnable first) {
        Thread self = Thread.currentThread();
        Runnable task = first;
        while (true) {
            runner = self;
            runSafely(task);
            Runnable next;
            while ((next = local.pollFirst()) != null) {
                runSafely(next);
            }
            // Give up the runner role before the count can let another thread in.
            runner = null;
            if (pending.decrementAndGet() == 0) {
                return;
            }
            task = remote.poll();
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
