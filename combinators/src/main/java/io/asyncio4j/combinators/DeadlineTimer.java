package io.asyncio4j.combinators;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * One deadline that moves often, and what to do when the clock passes it: an idle timeout pushed back by every
 * read and write, the wait for a request's next line, a keep-alive wait. At most one timer task is pending per
 * deadline timer: moving the deadline later costs a field write (the pending check finds the later deadline and
 * waits again, as Netty's idle handlers do); moving it earlier replaces the task.
 *
 * <pre>{@code
 * DeadlineTimer idle = new DeadlineTimer(timer, conn.executor(), conn::abort);
 * idle.expireAfter(Duration.ofSeconds(30));          // on the connection's executor
 * ... every read:  idle.expireAfter(Duration.ofSeconds(30));
 * ... at the end:  idle.close();
 * }</pre>
 *
 * <p>Confined to one executor, the owner's: call every method on it; the action runs on it too, handed over with
 * {@link Executor#execute}. The action runs at most once per arming, never before the deadline on the timer's
 * {@link AsyncTimer#nanoTime()} clock, and not at all once the timer is disarmed or closed before the check runs.
 * If the timer refuses a task because it is closed (its event loop is shutting down), the action runs as though
 * the deadline had passed: whatever waited has no one left to time it.
 */
public final class DeadlineTimer {

    private final AsyncTimer timer;
    private final Executor executor;
    private final Runnable action;
    /** Hands the check to the owner's executor; the timer runs it in its lane. */
    private final Runnable fired;

    private long deadline;
    private boolean armed;
    private boolean closed;
    /** The pending check, or {@code null}; due at {@link #pendingAt}. */
    private TimerHandle pending;
    private long pendingAt;

    /**
     * Creates a disarmed deadline timer.
     *
     * @param timer    the clock and the queue the check waits in
     * @param executor the owner's executor: where the check and the action run
     * @param action   what to do once the deadline has passed
     */
    public DeadlineTimer(AsyncTimer timer, Executor executor, Runnable action) {
        this.timer = Objects.requireNonNull(timer, "timer");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.action = Objects.requireNonNull(action, "action");
        this.fired = () -> this.executor.execute(this::check);
    }

    /**
     * Arms the timer to run the action {@code timeout} from now, replacing any earlier deadline. A zero or negative
     * timeout expires at once (the action still runs later, on the executor); a timeout too long for the clock is
     * taken as the longest it can hold.
     *
     * @param timeout how long from now
     */
    public void expireAfter(Duration timeout) {
        expireAt(timer.nanoTime() + Math.max(0, AsyncTimer.saturatedNanos(timeout)));
    }

    /**
     * Arms the timer to run the action at {@code deadlineNanos} on the {@link AsyncTimer#nanoTime()} clock,
     * replacing any earlier deadline. Does nothing once the timer is {@link #close() closed}.
     *
     * @param deadlineNanos when to expire
     */
    public void expireAt(long deadlineNanos) {
        if (closed) {
            return;
        }
        deadline = deadlineNanos;
        armed = true;
        // A later check would be late, so it is replaced; one past cancelling is on its way to check(), which re-arms.
        if (pending != null && pendingAt - deadlineNanos > 0 && pending.cancel()) {
            pending = null;
        }
        if (pending == null) {
            schedule(deadlineNanos);
        }
    }

    /** Stops the action from running until the next arming; a pending check stays, to be reused, and does nothing. */
    public void disarm() {
        armed = false;
    }

    /**
     * Returns whether a deadline is set and its action has not run.
     *
     * @return {@code true} while armed
     */
    public boolean isArmed() {
        return armed;
    }

    /**
     * Returns the deadline of the latest arming, on the {@link AsyncTimer#nanoTime()} clock.
     *
     * @return the deadline, meaningful while {@link #isArmed()}
     */
    public long deadlineNanos() {
        return deadline;
    }

    /** Disarms for good and removes the pending check from the timer's queue. */
    public void close() {
        closed = true;
        armed = false;
        TimerHandle p = pending;
        pending = null;
        if (p != null) {
            p.cancel();
        }
    }

    private void schedule(long at) {
        try {
            pendingAt = at;
            pending = timer.scheduleAt(at, fired);
        } catch (RejectedExecutionException timerClosed) {
            pending = null;
            deadline = timer.nanoTime();
            executor.execute(this::check);
        }
    }

    /** On the owner's executor: expires, or waits again for a deadline moved later since the check was scheduled. */
    private void check() {
        pending = null;
        if (!armed || closed) {
            return;
        }
        if (timer.nanoTime() - deadline < 0) {
            schedule(deadline);
            return;
        }
        armed = false;
        action.run();
    }
}
