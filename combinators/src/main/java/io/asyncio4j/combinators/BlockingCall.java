package io.asyncio4j.combinators;

import io.asyncio4j.AsyncFuture;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;

/**
 * One {@link Async#runInExecutor} call: a {@link FutureTask} (which interrupts its worker on {@code cancel(true)}
 * and never leaks that interrupt into the worker's next task) relayed to an {@link AsyncFuture}.
 *
 * @param <T> the result type
 */
final class BlockingCall<T> extends FutureTask<T> {

    private final AsyncFuture<T> result = new AsyncFuture<>();

    private BlockingCall(Callable<T> call) {
        super(call);
    }

    static <T> AsyncFuture<T> start(Executor executor, Callable<T> call) {
        BlockingCall<T> task = new BlockingCall<>(call);
        task.result.onCancel(() -> task.cancel(true));
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            task.result.settleExceptionally(e);
        }
        return task.result;
    }

    /** Runs on the worker thread once the call has returned or thrown, or on the cancelling thread. */
    @Override
    protected void done() {
        if (isCancelled()) {
            return; // only the result's give-up cancels this task, and the give-up completes the result
        }
        try {
            result.settle(get());
        } catch (ExecutionException e) {
            result.settleExceptionally(e.getCause());
        } catch (InterruptedException e) {
            // Unreachable: get() on a completed task does not wait.
            Thread.currentThread().interrupt();
        }
    }
}
