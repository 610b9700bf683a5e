package io.asyncio4j.combinators;

import io.asyncio4j.AsyncFuture;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

/**
 * The timer task and the completion callback of one {@link Async#waitFor} (CPython 3.12's {@code wait_for}).
 *
 * <p>The result is settled by one thing only: the stage's completion. The timeout cancels the stage and lets it
 * finish its cancellation, cleanup included; the stage then settles the result with a {@link TimeoutException} if
 * it ended cancelled, or with the value or failure it ended with otherwise (an outcome that beat the cancel, or a
 * cleanup that recovered).
 *
 * <p>Kept lean for the common case of a stage completing in time: the result is derived from the stage, so
 * cancelling it cancels the stage, and waits for the stage's cleanup, through {@link AsyncFuture}'s own machinery,
 * without a cancellation action; the timer task is this object itself, which only hops to the callback executor
 * when it fires.
 */
final class WaitFor<T> implements Runnable, BiConsumer<T, Throwable> {

    private final AsyncFuture<T> inner;
    private final AsyncFuture<T> result;
    private final Duration timeout;
    private final Executor callbacks;
    private volatile TimerQueue.Entry timer;
    private volatile boolean timedOut;
    /** The result was given up after the timeout: its cancellation is the caller's, not a timeout (asyncio). */
    private volatile boolean givenUp;

    private WaitFor(AsyncFuture<T> inner, AsyncFuture<T> result, Duration timeout, Executor callbacks) {
        this.inner = inner;
        this.result = result;
        this.timeout = timeout;
        this.callbacks = callbacks;
    }

    static <T> AsyncFuture<T> start(AsyncFuture<T> inner, Duration timeout, AsyncTimer timer) {
        // Derived from the stage: cancelling the result cancels the stage and waits for its cleanup.
        AsyncFuture<T> result = inner.newIncompleteFuture();
        if (inner.isDone()) {
            Stages.relay(inner, result);
            return result;
        }
        WaitFor<T> w = new WaitFor<>(inner, result, timeout, timer.callbackExecutor());
        if (timeout.isNegative() || timeout.isZero()) {
            // asyncio: a non-positive timeout cancels at once, without a trip through the timer.
            inner.addDoneCallback(w);
            w.expire();
            return result;
        }
        w.timer = timer.scheduleOnTimerThread(timeout, w);
        inner.addDoneCallback(w);
        return result;
    }

    /** Runs on the timer thread: hand the expiry to the callback executor, never run it here. */
    @Override
    public void run() {
        try {
            callbacks.execute(this::expire);
        } catch (RejectedExecutionException closing) {
            // The timer's executor is shutting down; nobody is left to time out.
        }
    }

    /** Cancels the stage; its completion, after any cleanup it runs, settles the result. */
    private void expire() {
        timedOut = true;
        // Only on this rare path does the result need an action; it runs at once if the result was given up already.
        result.onCancel(() -> givenUp = true);
        if (!givenUp) { // a result given up has cancelled the stage already; again would cancel its cleanup
            inner.cancel(false);
        }
    }

    /** The stage's completion callback: remove the timer task and settle the result. */
    @Override
    public void accept(T value, Throwable failure) {
        TimerQueue.Entry t = timer;
        if (t != null) {
            t.cancel();
        }
        if (failure == null) {
            result.settle(value);
            return;
        }
        Throwable e = Failures.unwrap(failure);
        if (timedOut && !givenUp && e instanceof CancellationException) {
            TimeoutException timeoutException = new TimeoutException("waitFor timed out after " + timeout);
            timeoutException.initCause(e);
            e = timeoutException;
        }
        result.settleExceptionally(e);
    }
}
