package io.asyncio4j.combinators;

import io.asyncio4j.AsyncFuture;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * The state of one {@link Async#whileTrue} loop. Iterations are driven by a work-in-progress counter: a stage
 * that completes while the driver is still on the stack only bumps the counter and the driver loops again, so a
 * million synchronous iterations use one stack frame.
 */
final class WhileLoop implements BiConsumer<Boolean, Throwable> {

    private final Supplier<? extends CompletionStage<Boolean>> body;
    private final AsyncFuture<Void> result = new AsyncFuture<>();
    private final AtomicInteger wip = new AtomicInteger();
    private volatile CompletableFuture<Boolean> current;
    private Boolean lastValue;
    private Throwable lastFailure;

    WhileLoop(Supplier<? extends CompletionStage<Boolean>> body) {
        this.body = body;
    }

    AsyncFuture<Void> start() {
        result.onCancel(() -> {
            CompletableFuture<Boolean> c = current;
            if (c != null) {
                c.cancel(false);
            }
        });
        lastValue = Boolean.TRUE;
        drive();
        return result;
    }

    @Override
    public void accept(Boolean value, Throwable failure) {
        lastValue = value;
        lastFailure = failure;
        drive();
    }

    private void drive() {
        if (wip.getAndIncrement() != 0) {
            return;
        }
        do {
            if (result.isDone()) {
                return;
            }
            if (lastFailure != null) {
                result.completeExceptionally(Async.unwrap(lastFailure));
                return;
            }
            if (!Boolean.TRUE.equals(lastValue)) {
                result.complete(null);
                return;
            }
            CompletableFuture<Boolean> next;
            try {
                CompletionStage<Boolean> stage = body.get();
                next = stage == null ? CompletableFuture.completedFuture(false) : stage.toCompletableFuture();
            } catch (Throwable t) {
                result.completeExceptionally(t);
                return;
            }
            current = next;
            if (result.isCancelled()) {
                next.cancel(false);
            }
            next.whenComplete(this);
        } while (wip.decrementAndGet() != 0);
    }
}
