package io.asyncio4j.combinators;

import io.asyncio4j.AsyncFuture;

import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * The state of one {@link Async#any} or {@link Async#race}: the first success (or, for a race, the first outcome)
 * completes the result; the losers are cancelled if asked.
 *
 * @param <T> the result type
 */
final class FirstOf<T> implements BiConsumer<T, Throwable> {

    private final CompletableFuture<?>[] children;
    private final boolean successOnly;
    private final boolean cancelLosers;
    private final AsyncFuture<T> result = new AsyncFuture<>();
    private final AtomicInteger failuresLeft;
    /** Failures in the order they happened, for {@code any} when every stage fails. */
    private final ConcurrentLinkedQueue<Throwable> failures;

    private FirstOf(CompletableFuture<?>[] children, boolean successOnly, boolean cancelLosers) {
        this.children = children;
        this.successOnly = successOnly;
        this.cancelLosers = cancelLosers;
        this.failuresLeft = new AtomicInteger(children.length);
        this.failures = successOnly ? new ConcurrentLinkedQueue<>() : null;
    }

    static <T> AsyncFuture<T> start(Collection<? extends CompletionStage<? extends T>> stages, boolean successOnly,
                                    boolean cancelLosers) {
        if (stages.isEmpty()) {
            throw new IllegalArgumentException("no stages to choose from");
        }
        CompletableFuture<?>[] children = new CompletableFuture<?>[stages.size()];
        int i = 0;
        for (CompletionStage<? extends T> s : stages) {
            children[i++] = Stages.view(s);
        }
        FirstOf<T> f = new FirstOf<>(children, successOnly, cancelLosers);
        f.result.onCancel(f::cancelAll);
        for (CompletableFuture<?> c : children) {
            if (f.result.isDone()) {
                break; // a winner was already complete; the losers were cancelled then if asked
            }
            @SuppressWarnings("unchecked")
            CompletableFuture<T> child = (CompletableFuture<T>) c;
            Stages.onDone(child, f);
        }
        return f.result;
    }

    @Override
    public void accept(T value, Throwable failure) {
        if (failure == null) {
            win(result.settle(value));
            return;
        }
        Throwable e = Failures.unwrap(failure);
        if (!successOnly) {
            win(result.settleExceptionally(e));
            return;
        }
        failures.add(e);
        if (failuresLeft.decrementAndGet() == 0) {
            Throwable first = failures.poll();
            for (Throwable other; (other = failures.poll()) != null; ) {
                Failures.addSuppressed(first, other);
            }
            result.settleExceptionally(first);
        }
    }

    private void win(boolean won) {
        if (won && cancelLosers) {
            cancelAll();
        }
    }

    private void cancelAll() {
        for (CompletableFuture<?> c : children) {
            if (!c.isDone()) {
                Stages.cancelQuietly(c);
            }
        }
    }
}
