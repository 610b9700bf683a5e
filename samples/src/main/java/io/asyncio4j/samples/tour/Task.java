package io.asyncio4j.samples.tour;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.combinators.Async;

import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * asyncio's {@code Task} for the tour: a coroutine that starts on the next loop iteration, whose
 * {@link #cancel()} is a request delivered on the next iteration, as asyncio throws {@code CancelledError} into
 * the coroutine at its next step. (asyncio4j's own {@code AsyncFuture.cancel} completes at once; the tour keeps
 * asyncio's order of events.)
 *
 * @param <T> the result type
 */
public final class Task<T> {

    private final TourLoop loop;
    private final String name;
    private final AsyncFuture<T> future = new AsyncFuture<>();
    private volatile AsyncFuture<T> running;
    private volatile boolean cancelRequested;

    Task(TourLoop loop, String name, Supplier<? extends CompletionStage<T>> coroutine) {
        this.loop = loop;
        this.name = name;
        loop.callSoon(() -> start(coroutine));
    }

    private void start(Supplier<? extends CompletionStage<T>> coroutine) {
        if (cancelRequested) {
            future.cancel(true); // cancelled before its first step: the body never runs
            return;
        }
        AsyncFuture<T> body = AsyncFuture.of(coroutine.get());
        running = body;
        body.addDoneCallback((v, e) -> {
            if (e == null) {
                future.complete(v);
            } else if (body.isCancelled() || Async.unwrap(e) instanceof java.util.concurrent.CancellationException) {
                future.cancel(true);
            } else {
                future.completeExceptionally(Async.unwrap(e));
            }
        });
    }

    /** @return the task's outcome, to wait on ({@code await task}) */
    public AsyncFuture<T> future() {
        return future;
    }

    /**
     * Requests cancellation (asyncio {@code task.cancel()}): on the next loop iteration the stage the coroutine
     * waits on is cancelled, so its handlers run there; a task that has not started never runs its body.
     *
     * @return {@code false} if the task is already done
     */
    public boolean cancel() {
        if (future.isDone()) {
            return false;
        }
        cancelRequested = true;
        loop.callSoon(() -> {
            AsyncFuture<T> body = running;
            if (body != null) {
                body.cancel(true);
            }
        });
        return true;
    }

    /** @return the result of a finished task ({@code task.result()}) */
    public T result() {
        return future.join();
    }

    /** @return {@code <Task pending coro=<name>>}, {@code cancelling}, {@code cancelled} or {@code finished ... result=...} */
    @Override
    public String toString() {
        if (future.isCancelled()) {
            return "<Task cancelled coro=<" + name + ">>";
        }
        if (future.isDone()) {
            return "<Task finished coro=<" + name + "> result=" + Py.repr(future.join()) + ">";
        }
        return "<Task " + (cancelRequested ? "cancelling" : "pending") + " coro=<" + name + ">>";
    }
}
