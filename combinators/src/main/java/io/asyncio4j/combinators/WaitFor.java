package io.asyncio4j.combinators;

import io.asyncio4j.AsyncFuture;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

/**
 * The timer task and the completion callback of one {@link Async#waitFor} (asyncio's {@code wait_for}).
 *
 * <p>The race between the stage completing and the timer firing is settled by the stage itself: the timer task
 * cancels it, and {@code cancel} either wins (the stage is cancelled, the result fails with a
 * {@link TimeoutException} once {@code cancel} has returned) or loses to a value or failure that got there first,
 * which is then relayed unchanged.
 */
final class WaitFor<T> implements Runnable, BiConsumer<T, Throwable> {

    private final AsyncFuture<T> inner;
    private final AsyncFuture<T> result;
    private final Duration timeout;
    private volatile TimerHandle timer;
    private volatile boolean timedOut;

    private WaitFor(AsyncFuture<T> inner, AsyncFuture<T> result, Duration timeout) {
        this.inner = inner;
        this.result = result;
        this.timeout = timeout;
    }

    static <T> AsyncFuture<T> start(AsyncFuture<T> inner, Duration timeout, AsyncTimer timer) {
        AsyncFuture<T> result = new AsyncFuture<>();
        if (inner.isDone()) {
            Async.relay(inner, result);
            return result;
        }
        WaitFor<T> w = new WaitFor<>(inner, result, timeout);
        if (timeout.isNegative() || timeout.isZero()) {
            // asyncio: a non-positive timeout cancels at once, without a trip through the timer.
            inner.whenComplete(w);
            w.run();
            return result;
        }
        w.timer = timer.schedule(timeout, w);
        inner.whenComplete(w);
        result.onCancel(w::cancelInner);
        return result;
    }

    private void cancelInner() {
        inner.cancel(false);
    }

    /** The timer task: cancel the stage, wait for the cancel to finish, then fail with a timeout. */
    @Override
    public void run() {
        timedOut = true;
        inner.cancel(false);
        // The stage is complete now, by our cancel or by an outcome that beat it; its cancellation actions ran.
        if (inner.isCancelled()) {
            TimeoutException e = new TimeoutException("waitFor timed out after " + timeout);
            e.initCause(Async.failureOf(inner));
            result.completeExceptionally(e);
        } else {
            Async.relay(inner, result);
        }
    }

    /** The stage's completion callback: remove the timer task and relay the outcome. */
    @Override
    public void accept(T value, Throwable failure) {
        TimerHandle t = timer;
        if (t != null) {
            t.cancel();
        }
        if (failure == null) {
            result.complete(value);
        } else if (!(timedOut && Async.unwrap(failure) instanceof CancellationException)) {
            result.completeExceptionally(Async.unwrap(failure));
        }
        // else: the timer task cancelled the stage and completes the result once its cancel has returned.
    }
}
