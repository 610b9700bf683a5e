package io.asyncio4j.combinators;

import io.asyncio4j.AsyncFuture;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

/**
 * The timer task and the completion callback of one {@link Async#waitFor} (asyncio's {@code wait_for}).
 *
 * <p>The race between the stage completing and the timer firing is settled by the stage itself: the timeout
 * cancels it, and {@code cancel} either wins (the stage is cancelled, the result fails with a
 * {@link TimeoutException} once {@code cancel} has returned) or loses to a value or failure that got there first,
 * which is then relayed unchanged.
 *
 * <p>Kept lean for the common case of a stage completing in time: the result is derived from the stage (so
 * cancelling it cancels the stage without a cancellation action), and the timer task is this object itself,
 * which only hops to the callback executor when it fires.
 */
final class WaitFor<T> implements Runnable, BiConsumer<T, Throwable> {

    private final AsyncFuture<T> inner;
    private final AsyncFuture<T> result;
    private final Duration timeout;
    private final Executor callbacks;
    private volatile TimerQueue.Entry timer;
    private volatile boolean timedOut;

    private WaitFor(AsyncFuture<T> inner, AsyncFuture<T> result, Duration timeout, Executor callbacks) {
        this.inner = inner;
        this.result = result;
        this.timeout = timeout;
        this.callbacks = callbacks;
    }

    static <T> AsyncFuture<T> start(AsyncFuture<T> inner, Duration timeout, AsyncTimer timer) {
        // Derived from the stage: cancelling the result cancels the stage.
        AsyncFuture<T> result = inner.newIncompleteFuture();
        if (inner.isDone()) {
            Async.relay(inner, result);
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

    /** Cancel the stage, wait for the cancel to finish, then fail with a timeout. */
    private void expire() {
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
        TimerQueue.Entry t = timer;
        if (t != null) {
            t.cancel();
        }
        if (failure == null) {
            result.complete(value);
        } else if (!(timedOut && Async.unwrap(failure) instanceof CancellationException)) {
            result.completeExceptionally(Async.unwrap(failure));
        }
        // else: the timeout cancelled the stage and completes the result once its cancel has returned.
    }
}
