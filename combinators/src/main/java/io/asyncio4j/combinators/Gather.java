package io.asyncio4j.combinators;

import io.asyncio4j.AsyncFuture;
import io.vavr.control.Try;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The state of one {@link Async#gather} (asyncio's {@code _GatheringFuture}): a slot per child, a countdown,
 * and the result. Children already complete when the gather starts are read directly, without a callback, so
 * gathering completed futures allocates little more than the result array.
 *
 * <p>A gather with children still running is a task ({@link AsyncFuture#forTask}): a cancel request cancels the
 * children, and the countdown, not the request, completes the result, with a cancellation once every child has
 * settled.
 *
 * @param <R> the result type: a list, a tuple, or a list of {@link Try}
 */
final class Gather<R> {

    private final Object[] results;
    private final CompletableFuture<?>[] children;
    private final boolean returnExceptions;
    private final Function<Object[], R> finish;
    private final AsyncFuture<R> result;
    /** Children still running, plus one for the starting thread until it has looked at every child. */
    private final AtomicInteger pending;
    /** Set by a cancel request, before it cancels the children: from then on only the countdown completes. */
    private volatile boolean cancelling;

    private Gather(CompletableFuture<?>[] children, boolean returnExceptions, Function<Object[], R> finish) {
        this.children = children;
        this.results = new Object[children.length];
        this.returnExceptions = returnExceptions;
        this.finish = finish;
        this.pending = new AtomicInteger(children.length + 1);
        this.result = anyRunning(children) ? AsyncFuture.forTask(this::cancelRequested) : new AsyncFuture<>();
    }

    private static boolean anyRunning(CompletableFuture<?>[] children) {
        for (CompletableFuture<?> c : children) {
            if (!c.isDone()) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@link Async#gather(Collection)} and {@link Async#gatherReturnExceptions}: the values, or with
     * {@code returnExceptions} the outcomes, as an unmodifiable list in argument order.
     */
    @SuppressWarnings("unchecked")
    static <E> AsyncFuture<List<E>> list(Collection<? extends CompletionStage<?>> stages, boolean returnExceptions) {
        return start(stages, returnExceptions, values -> Collections.unmodifiableList(Arrays.asList((E[]) values)));
    }

    static <R> AsyncFuture<R> start(Collection<? extends CompletionStage<?>> stages, boolean returnExceptions,
                                    Function<Object[], R> finish) {
        CompletableFuture<?>[] children = new CompletableFuture<?>[stages.size()];
        int i = 0;
        for (CompletionStage<?> s : stages) {
            children[i++] = Stages.view(s);
        }
        return new Gather<>(children, returnExceptions, finish).start();
    }

    static <R> AsyncFuture<R> start(CompletionStage<?>[] stages, Function<Object[], R> finish) {
        CompletableFuture<?>[] children = new CompletableFuture<?>[stages.length];
        for (int i = 0; i < stages.length; i++) {
            children[i] = Stages.view(stages[i]);
        }
        return new Gather<>(children, false, finish).start();
    }

    private AsyncFuture<R> start() {
        int done = 0;
        for (int i = 0; i < children.length; i++) {
            CompletableFuture<?> c = children[i];
            if (!c.isDone()) {
                Stages.onDone((CompletableFuture<Object>) c, new Slot(i));
            } else if (!c.isCompletedExceptionally()) {
                results[i] = returnExceptions ? Try.success(c.getNow(null)) : c.getNow(null);
                done++;
            } else if (returnExceptions) {
                results[i] = Try.failure(Failures.failureOf(c));
                done++;
            } else {
                // asyncio: the first failure fails the gather; the other children are left running.
                result.settleExceptionally(Failures.failureOf(c));
                return result;
            }
        }
        if (pending.addAndGet(-(done + 1)) == 0) {
            complete();
        }
        return result;
    }

    private void complete() {
        if (cancelling) {
            result.settleExceptionally(new CancellationException());
            return;
        }
        R value;
        try {
            value = finish.apply(results);
        } catch (Throwable t) {
            result.settleExceptionally(t);
            return;
        }
        result.settle(value);
    }

    /** Every cancel request cancels the children still running again, which reaches cleanup they run. */
    private void cancelRequested() {
        cancelling = true;
        for (CompletableFuture<?> c : children) {
            if (!c.isDone()) {
                Stages.cancelQuietly(c);
            }
        }
    }

    /** The callback of one pending child. */
    private final class Slot implements BiConsumer<Object, Throwable> {
        private final int index;

        Slot(int index) {
            this.index = index;
        }

        @Override
        public void accept(Object value, Throwable failure) {
            if (failure == null) {
                results[index] = returnExceptions ? Try.success(value) : value;
            } else if (returnExceptions) {
                results[index] = Try.failure(Failures.unwrap(failure));
            } else if (!cancelling) {
                result.settleExceptionally(Failures.unwrap(failure));
                return;
            }
            // The atomic decrement publishes this slot's write to whichever thread completes the gather.
            if (pending.decrementAndGet() == 0) {
                complete();
            }
        }
    }
}
