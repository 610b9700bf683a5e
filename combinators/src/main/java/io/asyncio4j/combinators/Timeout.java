package io.asyncio4j.combinators;

import io.asyncio4j.AsyncFuture;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * A deadline over a piece of asynchronous work (asyncio's {@code asyncio.timeout()} / {@code timeout_at()}
 * context manager), handed to the body given to {@link Async#timeout(Duration, Function)} or
 * {@link Async#timeoutAt(long, Function)}.
 *
 * <p>While the body's stage runs, the deadline can be moved ({@link #reschedule}, {@link #rescheduleAt}) or
 * removed ({@link #removeDeadline}). When it passes, the body's stage is cancelled (which cancels the stage in
 * flight inside it, unless shielded); once the body's stage has settled, cleanup it started on the cancellation
 * included, the scope's future fails with a {@link TimeoutException} whose cause is the body's
 * {@link CancellationException}. If the body's stage ended otherwise (its outcome got there before the cancel, or
 * its cleanup recovered), that outcome is kept, as in asyncio, and {@link #expired()} still says the deadline
 * passed.
 *
 * <p>Expiries run in the timer's lane, one at a time in deadline order. Of nested scopes due at the same moment
 * the outermost expires first and fails with the {@link TimeoutException}; the inner ones, cancelled by it after
 * their own deadline passed, fail with the {@link CancellationException}, and all say {@link #expired()}, as
 * asyncio's do. A scope that ends in any way after its deadline passed says it expired.
 *
 * <pre>{@code
 * Async.timeout(Duration.ofMillis(20), outer ->
 *         Async.timeout(Duration.ofMillis(20), inner -> neverCompletes()))
 * // fails with TimeoutException; outer.expired() and inner.expired() are both true
 * }</pre>
 *
 * <p>Thread-safe: the methods may be called from any thread. The deadline uses the {@link AsyncTimer#nanoTime()}
 * clock.
 */
public final class Timeout {

    private enum State {
        ACTIVE("active"), EXPIRING("expiring"), EXPIRED("expired"), FINISHED("finished");

        final String label;

        State(String label) {
            this.label = label;
        }
    }

    private final AsyncTimer timer;
    /** A task: a cancel request cancels the body, and only the body's completion settles it. */
    private final AsyncFuture<Object> result = AsyncFuture.forTask(this::cancelRequested);
    // Guarded by this.
    private State state = State.ACTIVE;
    /** The scope's future was cancelled (or given up): the body's cancellation is then not a timeout. */
    private boolean cancelRequested;
    private boolean hasDeadline;
    private long deadlineNanos;
    private long generation;
    private TimerHandle handle;
    private AsyncFuture<?> body;

    private Timeout(AsyncTimer timer) {
        this.timer = timer;
    }

    @SuppressWarnings("unchecked")
    static <T> AsyncFuture<T> start(long deadlineNanos, Function<? super Timeout, ? extends CompletionStage<T>> body,
                                    AsyncTimer timer) {
        Timeout t = new Timeout(timer);
        t.rescheduleAt(deadlineNanos);
        CompletionStage<T> stage;
        try {
            stage = Objects.requireNonNull(body.apply(t), "the timeout body returned null");
        } catch (Throwable e) {
            t.finish();
            t.result.settleExceptionally(e);
            return (AsyncFuture<T>) (AsyncFuture<?>) t.result;
        }
        AsyncFuture<T> inner = AsyncFuture.of(stage);
        boolean expiredAlready;
        synchronized (t) {
            t.body = inner;
            expiredAlready = t.state == State.EXPIRING;
        }
        inner.addDoneCallback(t::bodyDone);
        if (expiredAlready) {
            inner.cancel(false);
        }
        return (AsyncFuture<T>) (AsyncFuture<?>) t.result;
    }

    /**
     * Returns the deadline on the {@link AsyncTimer#nanoTime()} clock (asyncio {@code when()}).
     *
     * @return the deadline, or empty if there is none
     */
    public synchronized OptionalLong when() {
        return hasDeadline ? OptionalLong.of(deadlineNanos) : OptionalLong.empty();
    }

    /**
     * Returns whether the deadline passed while the body ran (asyncio {@code expired()}): true once the expiry
     * ran, even if the body's outcome then won the race against the cancellation, and true if the scope ended
     * (completed, or was cancelled by an enclosing scope due at the same moment) after its deadline passed but
     * before its expiry ran. The scope is "expiring" from the deadline until the body's stage has settled, then
     * "expired".
     *
     * @return {@code true} once the deadline has passed
     */
    public synchronized boolean expired() {
        return state == State.EXPIRING || state == State.EXPIRED;
    }

    /**
     * Moves the deadline to {@code delay} from now (asyncio {@code reschedule(loop.time() + delay)}); a zero or
     * negative delay expires the scope as soon as the timer's callback executor gets to it.
     *
     * @param delay the new deadline, from now
     * @throws IllegalStateException if the scope has expired or finished
     */
    public void reschedule(Duration delay) {
        rescheduleAt(timer.nanoTime() + AsyncTimer.saturatedNanos(delay));
    }

    /**
     * Moves the deadline to {@code deadlineNanos} on the {@link AsyncTimer#nanoTime()} clock (asyncio
     * {@code reschedule(when)}).
     *
     * @param deadlineNanos the new deadline
     * @throws IllegalStateException if the scope has expired or finished
     */
    public void rescheduleAt(long deadlineNanos) {
        TimerHandle old;
        synchronized (this) {
            checkActive();
            old = handle;
            long g = ++generation;
            hasDeadline = true;
            this.deadlineNanos = deadlineNanos;
            handle = timer.scheduleAt(deadlineNanos, () -> expire(g));
        }
        if (old != null) {
            old.cancel();
        }
    }

    /**
     * Removes the deadline (asyncio {@code reschedule(None)}): the body may run for as long as it takes.
     *
     * @throws IllegalStateException if the scope has expired or finished
     */
    public void removeDeadline() {
        TimerHandle old;
        synchronized (this) {
            checkActive();
            old = handle;
            handle = null;
            generation++;
            hasDeadline = false;
        }
        if (old != null) {
            old.cancel();
        }
    }

    @Override
    public synchronized String toString() {
        if (state == State.ACTIVE) {
            return "Timeout[active, when=" + (hasDeadline ? Long.toString(deadlineNanos) : "none") + "]";
        }
        return "Timeout[" + state.label + "]";
    }

    private void checkActive() {
        if (state != State.ACTIVE) {
            throw new IllegalStateException("Cannot change the deadline of a " + state.label + " Timeout");
        }
    }

    /** The timer task of deadline number {@code g}. */
    private void expire(long g) {
        AsyncFuture<?> b;
        synchronized (this) {
            if (state != State.ACTIVE || g != generation) {
                return;
            }
            state = State.EXPIRING;
            handle = null;
            b = body;
        }
        if (b != null) {
            b.cancel(false); // the body's completion, after any cleanup, settles the result
        }
        // else: the body has not returned its stage yet; start() cancels it as soon as it has.
    }

    /**
     * The cancel request of the scope's future, on every {@code cancel} while it is pending: cancels the body
     * (again, which reaches cleanup it runs); the body's completion then settles the result.
     */
    private void cancelRequested() {
        AsyncFuture<?> b;
        synchronized (this) {
            cancelRequested = true;
            b = body;
        }
        // The body's cancellation runs first, so whether the deadline had passed is decided when the body has let
        // go, as asyncio decides in __aexit__, not before.
        if (b != null) {
            b.cancel(false);
        }
        // else: start() has not returned the scope's future yet, so nobody but the body can have cancelled it.
        finish();
    }

    private void bodyDone(Object value, Throwable failure) {
        boolean timedOut;
        synchronized (this) {
            if (state == State.EXPIRING) {
                state = State.EXPIRED; // asyncio's __aexit__: the body has finished after the deadline
            }
            timedOut = state == State.EXPIRED && !cancelRequested;
        }
        finish();
        if (failure == null) {
            result.settle(value);
            return;
        }
        Throwable e = Failures.unwrap(failure);
        if (timedOut && e instanceof CancellationException) {
            TimeoutException timeoutException = new TimeoutException("timeout scope expired");
            timeoutException.initCause(e);
            e = timeoutException;
        }
        result.settleExceptionally(e);
    }

    /**
     * Leaves the active state, if still in it, and removes the timer task. If the deadline has passed, the scope
     * expired though its expiry has not run: it waits in the timer's lane behind an earlier one, typically that of
     * an enclosing scope due at the same moment, whose cancel or timeout ended this scope. In asyncio both timer
     * callbacks run before the task unwinds, so both scopes say they expired.
     */
    private void finish() {
        TimerHandle old;
        synchronized (this) {
            if (state != State.ACTIVE) {
                return;
            }
            boolean due = hasDeadline && deadlineNanos - timer.nanoTime() <= 0;
            state = due ? State.EXPIRED : State.FINISHED;
            old = handle;
            handle = null;
        }
        if (old != null) {
            old.cancel();
        }
    }
}
