package io.asyncio4j.combinators;

/**
 * A task scheduled on an {@link AsyncTimer} (asyncio's {@code TimerHandle}, or its {@code Handle} for
 * {@link Async#callSoon}): cancel it to remove it from the timer before it runs.
 *
 * <p>Thread-safe; {@link #cancel()} may be called from any thread, including from the task itself (it then
 * returns {@code false}: a task that has started is not stopped).
 */
public final class TimerHandle {

    /** What a handle cancels: a task in a timer's queue, or one handed to its callback executor. */
    interface Cancellable {
        /** @return {@code true} if this call stopped the task from running */
        boolean cancel();

        /** @return {@code true} once cancelled before it ran */
        boolean isCancelled();
    }

    private final long deadlineNanos;
    private volatile Cancellable scheduled;

    TimerHandle(long deadlineNanos) {
        this.deadlineNanos = deadlineNanos;
    }

    void bind(Cancellable scheduled) {
        this.scheduled = scheduled;
    }

    /**
     * Cancels the task if it has not been handed over to run yet, and removes it from the timer's queue at once: a
     * timer task until it falls due (from then on it is in the timer's lane, waiting for the tasks due before it),
     * a {@link Async#callSoon} task until it starts. Never interrupts a task that is running.
     *
     * @return {@code true} if this call stopped the task from running
     */
    public boolean cancel() {
        Cancellable s = scheduled;
        return s != null && s.cancel();
    }

    /**
     * Returns whether the task was cancelled before it ran.
     *
     * @return {@code true} once cancelled
     */
    public boolean isCancelled() {
        Cancellable s = scheduled;
        return s != null && s.isCancelled();
    }

    /**
     * Returns when the task is due, on the {@link System#nanoTime()} clock (asyncio's {@code when()}).
     *
     * @return the deadline in nanoseconds
     */
    public long deadlineNanos() {
        return deadlineNanos;
    }
}
