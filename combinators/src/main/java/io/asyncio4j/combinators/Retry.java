package io.asyncio4j.combinators;

import io.asyncio4j.AsyncFuture;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * The state of one {@link Async#retry}: the attempt or backoff sleep in flight, and the failures so far.
 * Every retry goes through the timer, even after a zero delay, so a supplier that fails synchronously cannot
 * grow the stack.
 *
 * @param <T> the result type
 */
final class Retry<T> implements BiConsumer<T, Throwable> {

    private final RetryPolicy policy;
    private final Supplier<? extends CompletionStage<T>> supplier;
    private final AsyncTimer timer;
    private final AsyncFuture<T> result = new AsyncFuture<>();
    /** Earlier failures, reported as suppressed by the last one; touched by one attempt at a time. */
    private final List<Throwable> failures = new ArrayList<>();
    /** The attempt or the backoff sleep in flight, cancelled with the result. */
    private volatile CompletableFuture<?> current;
    /** Set by the give-up of the result, which runs before the result completes: no attempt may start after it. */
    private volatile boolean stopped;
    private int attempts;

    private Retry(RetryPolicy policy, Supplier<? extends CompletionStage<T>> supplier, AsyncTimer timer) {
        this.policy = policy;
        this.supplier = supplier;
        this.timer = timer;
    }

    static <T> AsyncFuture<T> start(RetryPolicy policy, Supplier<? extends CompletionStage<T>> supplier,
                                    AsyncTimer timer) {
        Retry<T> r = new Retry<>(policy, supplier, timer);
        r.result.onCancel(r::cancelCurrent);
        r.attempt();
        return r.result;
    }

    private void attempt() {
        if (stopped || result.isDone()) {
            return;
        }
        attempts++;
        CompletableFuture<T> stage;
        try {
            stage = Stages.view(supplier.get());
        } catch (Throwable e) {
            stage = AsyncFuture.failed(e);
        }
        track(stage);
        Stages.onDone(stage, this);
    }

    /** An attempt completed. */
    @Override
    public void accept(T value, Throwable failure) {
        if (failure == null) {
            result.settle(value);
            return;
        }
        Throwable e = Failures.unwrap(failure);
        boolean fatal;
        try {
            fatal = stopped || result.isDone() || attempts >= policy.maxAttempts() || policy.isFatal(e);
        } catch (Throwable predicateFailed) {
            Failures.addSuppressed(predicateFailed, e);
            e = predicateFailed;
            fatal = true;
        }
        if (fatal) {
            for (Throwable earlier : failures) {
                Failures.addSuppressed(e, earlier);
            }
            result.settleExceptionally(e);
            return;
        }
        failures.add(e);
        long delay = policy.delayNanos(attempts, ThreadLocalRandom.current().nextDouble());
        AsyncFuture<Void> sleep = timer.sleep(Duration.ofNanos(delay));
        track(sleep);
        sleep.thenRun(this::attempt);
    }

    private void track(CompletableFuture<?> f) {
        current = f;
        if (stopped) { // given up meanwhile: cancelCurrent may have read the previous stage
            f.cancel(false);
        }
    }

    private void cancelCurrent() {
        stopped = true;
        CompletableFuture<?> c = current;
        if (c != null) {
            Stages.cancelQuietly(c);
        }
    }
}
