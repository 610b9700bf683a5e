package io.asyncio4j.combinators;

import io.asyncio4j.AsyncFuture;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * asyncio's task functions for {@link AsyncFuture}s: {@code sleep}, {@code shield}, {@code wait_for}, and
 * stack-safe asynchronous loops.
 *
 * <p>Unless a method says otherwise: a stage given to it may be any {@link CompletionStage} (a foreign one is
 * adopted with {@link AsyncFuture#of}); cancelling the returned future cancels the stage in flight; the
 * returned future completes on the thread that completes the stage it waits for, or on the timer's callback
 * executor for a timeout, never on the timer thread itself.
 */
public final class Async {

    private Async() {
    }

    /**
     * Returns a future completed with {@code null} after {@code delay}, on the shared timer (asyncio
     * {@code sleep}).
     *
     * @param delay how long to sleep
     * @return a future completed on the shared timer's callback executor; cancelling it removes the timer task
     */
    public static AsyncFuture<Void> sleep(Duration delay) {
        return AsyncTimer.shared().sleep(delay);
    }

    /**
     * Returns a future completed with {@code value} after {@code delay} (asyncio {@code sleep(delay, result)}).
     *
     * @param delay how long to sleep
     * @param value the result
     * @param <T>   the result type
     * @return a future completed on the shared timer's callback executor; cancelling it removes the timer task
     */
    public static <T> AsyncFuture<T> sleep(Duration delay, T value) {
        return AsyncTimer.shared().sleep(delay, value);
    }

    /**
     * Protects {@code stage} from cancellation (asyncio {@code shield}): the returned future completes as the
     * stage does, and cancelling it cancels only the returned future, never the stage.
     *
     * @param stage the stage to protect
     * @param <T>   the result type
     * @return a new future completed on the thread that completes the stage
     */
    public static <T> AsyncFuture<T> shield(CompletionStage<T> stage) {
        Objects.requireNonNull(stage, "stage");
        AsyncFuture<T> shielded = new AsyncFuture<>();
        stage.whenComplete((v, e) -> {
            if (e == null) {
                shielded.complete(v);
            } else {
                shielded.completeExceptionally(unwrap(e));
            }
        });
        return shielded;
    }

    /**
     * Waits for {@code stage} at most {@code timeout} on the shared timer (asyncio {@code wait_for}); see
     * {@link #waitFor(CompletionStage, Duration, AsyncTimer)}.
     *
     * @param stage   the stage to wait for
     * @param timeout how long to wait
     * @param <T>     the result type
     * @return a future of the stage's outcome, or of a {@link TimeoutException}
     */
    public static <T> AsyncFuture<T> waitFor(CompletionStage<T> stage, Duration timeout) {
        return waitFor(stage, timeout, AsyncTimer.shared());
    }

    /**
     * Waits for {@code stage} at most {@code timeout} (asyncio {@code wait_for}).
     *
     * <p>If the stage completes in time the result completes with its outcome and the timer task is removed. On
     * timeout the stage is cancelled, and once it has completed the result fails with a
     * {@link TimeoutException}; if the stage produced a value anyway (it completed as the timer fired), the
     * value wins and nothing is lost. Cancelling the result cancels the stage.
     *
     * @param stage   the stage to wait for
     * @param timeout how long to wait
     * @param timer   the timer to use
     * @param <T>     the result type
     * @return a future of the stage's outcome, completed on the thread completing the stage or on the timer's
     *         callback executor
     */
    public static <T> AsyncFuture<T> waitFor(CompletionStage<T> stage, Duration timeout, AsyncTimer timer) {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(timer, "timer");
        AsyncFuture<T> inner = AsyncFuture.of(stage);
        AsyncFuture<T> result = new AsyncFuture<>();
        if (inner.isDone()) {
            relay(inner, result);
            return result;
        }
        WaitFor<T> w = new WaitFor<>(inner, result, timeout);
        w.timer = timer.schedule(timeout, w);
        inner.whenComplete(w);
        result.onCancel(() -> inner.cancel(false));
        return result;
    }

    /**
     * Runs {@code body} again and again while the stage it returns completes with {@code true} (a
     * {@code while} loop of {@code await}s).
     *
     * <p>Stack-safe: stages that complete synchronously iterate in a loop, not by recursion. Each iteration
     * starts on the thread that completed the previous one.
     *
     * @param body one iteration; its stage's {@code false} or {@code null} ends the loop
     * @return a future completed with {@code null} when the loop ends, failed with the first failure of a body
     *         or of its stage; cancelling it cancels the iteration in flight and ends the loop
     */
    public static AsyncFuture<Void> whileTrue(Supplier<? extends CompletionStage<Boolean>> body) {
        return new WhileLoop(Objects.requireNonNull(body, "body")).start();
    }

    static <T> void relay(CompletionStage<? extends T> from, AsyncFuture<T> to) {
        from.whenComplete((v, e) -> {
            if (e == null) {
                to.complete(v);
            } else {
                to.completeExceptionally(unwrap(e));
            }
        });
    }

    /**
     * Strips the {@link CompletionException} wrapper that {@code CompletableFuture} adds to failures seen by
     * dependent stages, so callers see the failure itself.
     *
     * @param e a failure seen by a dependent stage
     * @return its cause if {@code e} is a {@code CompletionException} with a cause, else {@code e}
     */
    public static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    /** The timer task and the completion callback of one {@code waitFor}. */
    private static final class WaitFor<T> implements Runnable, java.util.function.BiConsumer<T, Throwable> {
        private final AsyncFuture<T> inner;
        private final AsyncFuture<T> result;
        private final Duration timeout;
        volatile TimerHandle timer;
        private volatile boolean timedOut;

        WaitFor(AsyncFuture<T> inner, AsyncFuture<T> result, Duration timeout) {
            this.inner = inner;
            this.result = result;
            this.timeout = timeout;
        }

        @Override
        public void run() {
            timedOut = true;
            inner.cancel(false);
        }

        @Override
        public void accept(T value, Throwable failure) {
            TimerHandle t = timer;
            if (t != null) {
                t.cancel();
            }
            if (failure == null) {
                result.complete(value);
            } else if (timedOut && unwrap(failure) instanceof CancellationException) {
                result.completeExceptionally(new TimeoutException("waitFor timed out after " + timeout));
            } else {
                result.completeExceptionally(unwrap(failure));
            }
        }
    }
}
