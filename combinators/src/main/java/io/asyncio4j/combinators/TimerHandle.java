package io.asyncio4j.combinators;

import java.util.concurrent.ScheduledFuture;

/**
 * A task scheduled on an {@link AsyncTimer} (asyncio's {@code TimerHandle}): cancel it to remove it from the
 * timer before it runs.
 */
public final class TimerHandle {

    private final long deadlineNanos;
    private volatile ScheduledFuture<?> scheduled;

    TimerHandle(long deadlineNanos) {
        this.deadlineNanos = deadlineNanos;
    }

    void bind(ScheduledFuture<?> scheduled) {
        this.scheduled = scheduled;
    }

    /**
     * Cancels the task if it has not started, and removes it from the timer's queue at once.
     *
     * @return {@code true} if this call stopped the task from running
     */
    public boolean cancel() {
        ScheduledFuture<?> s = scheduled;
        return s != null && s.cancel(false);
    }

    /**
     * Returns whether the task was cancelled before it ran.
     *
     * @return {@code true} once cancelled
     */
    public boolean isCancelled() {
        ScheduledFuture<?> s = scheduled;
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
