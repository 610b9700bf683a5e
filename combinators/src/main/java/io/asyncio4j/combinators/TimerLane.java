package io.asyncio4j.combinators;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The lane an {@link AsyncTimer}'s due tasks run in: one at a time, in the order the timer thread hands them over
 * (deadline, then scheduling order), on the timer's worker threads; asyncio runs the callbacks of its timers so.
 *
 * <p>A task handed over while the lane is idle starts a drain on a worker; tasks handed over meanwhile join its
 * queue. After {@link #BATCH} tasks a drain gives its worker back and goes on as a new task behind the workers'
 * other work, so that a busy timer never holds a worker for good. A task that throws is reported to the running
 * thread's uncaught-exception handler, and the lane goes on with the next.
 */
final class TimerLane implements Executor {

    /** Tasks a drain runs before it yields its worker. */
    static final int BATCH = 64;

    private final Executor workers;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Whether a drain is running or handed to the workers; only the drain that set it clears it. */
    private final AtomicBoolean draining = new AtomicBoolean();
    private final Runnable drain = this::drain;

    TimerLane(Executor workers) {
        this.workers = workers;
    }

    /**
     * Queues {@code task} behind the tasks handed over before it.
     *
     * @throws RejectedExecutionException if the lane was idle and the workers refuse to start a drain; the
     *                                    task is then dropped
     */
    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        if (draining.compareAndSet(false, true)) {
            try {
                workers.execute(drain);
            } catch (RejectedExecutionException e) {
                tasks.remove(task);
                draining.set(false);
                throw e;
            }
        }
    }

    private void drain() {
        for (;;) {
            for (int n = 0; n < BATCH; n++) {
                Runnable task = tasks.poll();
                if (task == null) {
                    draining.set(false);
                    // A task queued after the poll, before the flag was cleared, found the lane draining: take it.
                    if (tasks.isEmpty() || !draining.compareAndSet(false, true)) {
                        return;
                    }
                    continue;
                }
                TimerQueue.runSafely(task);
            }
            try {
                workers.execute(drain);
                return;
            } catch (RejectedExecutionException shuttingDown) {
                // The workers take no new task: finish the queue on this one, which is already a worker.
            }
        }
    }

}
