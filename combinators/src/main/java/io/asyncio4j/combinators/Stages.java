package io.asyncio4j.combinators;

import io.asyncio4j.AsyncFuture;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

/**
 * How the combinators see, observe, relay and cancel the stages they are given, following {@link Async}'s common
 * rules: an {@link AsyncFuture} or other {@link CompletableFuture} is used as is, another stage through
 * {@code toCompletableFuture()}, and cancelling a stage is best effort.
 */
final class Stages {

    private Stages() {
    }

    /** The {@code CompletableFuture} to wait on and cancel for a stage. */
    @SuppressWarnings("unchecked")
    static <T> CompletableFuture<T> view(CompletionStage<T> stage) {
        Objects.requireNonNull(stage, "stage");
        if (stage instanceof AsyncFuture) {
            return (AsyncFuture<T>) stage;
        }
        try {
            // A CompletableFuture returns itself; a minimal stage returns a copy that follows it.
            return stage.toCompletableFuture();
        } catch (UnsupportedOperationException refused) {
            return AsyncFuture.of(stage);
        }
    }

    /** Calls {@code callback} when {@code f} completes, with the least allocation: one plain dependent. */
    static <T> void onDone(CompletableFuture<T> f, BiConsumer<? super T, ? super Throwable> callback) {
        // Internal callbacks need no ordering among themselves: one plain dependent is the cheapest observer.
        f.whenComplete(callback);
    }

    /** Settles {@code to} with the outcome of {@code from}, its failure unwrapped. */
    static <T> void relay(CompletionStage<? extends T> from, AsyncFuture<T> to) {
        BiConsumer<T, Throwable> relay = (v, e) -> {
            if (e == null) {
                to.settle(v);
            } else {
                to.settleExceptionally(Failures.unwrap(e));
            }
        };
        if (from instanceof AsyncFuture) {
            ((AsyncFuture<? extends T>) from).addDoneCallback(relay);
        } else {
            from.whenComplete(relay);
        }
    }

    /**
     * Cancels a stage as well as it can: an {@code AsyncFuture} fully, another {@code CompletableFuture} by
     * completing it ({@code cancel(true)}, which stops no work behind it), a stage that refuses
     * ({@code UnsupportedOperationException}) not at all.
     */
    static void cancelQuietly(CompletionStage<?> stage) {
        try {
            stage.toCompletableFuture().cancel(true);
        } catch (UnsupportedOperationException refused) {
            // Some stages cannot be cancelled from outside; nothing else to do.
        }
    }

    /** The stages without repeats, in their first order (asyncio turns them into a set); none may be null. */
    static <S> List<S> distinct(Collection<? extends S> stages) {
        Objects.requireNonNull(stages, "stages");
        List<S> out = new ArrayList<>(stages.size());
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (S s : stages) {
            Objects.requireNonNull(s, "stage");
            if (seen.add(s)) {
                out.add(s);
            }
        }
        return out;
    }
}
