package io.asyncio4j.combinators;

import io.asyncio4j.AsyncFuture;

import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A scope that owns child tasks (asyncio's {@code TaskGroup}), handed to the body given to
 * {@link Async#taskGroup(Function)}.
 *
 * <ul>
 *   <li>The scope's future completes when the body's stage and every child have completed, with the body's
 *       value.</li>
 *   <li>The first failure of a child or of the body, other than a cancellation, aborts the group: every child
 *       still running and the body's stage are cancelled, and no new child may be spawned. Once everything has
 *       completed, the scope's future fails with that first failure, the later ones attached to it with
 *       {@link Throwable#addSuppressed} (asyncio raises an {@code ExceptionGroup}).</li>
 *   <li>A child that is cancelled, by its own future or by the abort, is not a failure (as in asyncio).</li>
 *   <li>Cancelling the scope's future cancels the body's stage and every child still running.</li>
 * </ul>
 *
 * <p>Thread-safe: children may be spawned from any thread, including from other children, for as long as the
 * group is running.
 */
public final class TaskGroup {

    private final AsyncFuture<Object> result = new AsyncFuture<>();
    private final Set<AsyncFuture<?>> running = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    /** The body and the children not yet complete; zero means the group has finished. */
    private final AtomicInteger pending = new AtomicInteger(1);
    private volatile boolean aborting;
    private volatile AsyncFuture<?> body;
    private Object bodyValue;
    private Throwable bodyCancellation;

    private TaskGroup() {
    }

    @SuppressWarnings("unchecked")
    static <T> AsyncFuture<T> start(Function<? super TaskGroup, ? extends CompletionStage<T>> body) {
        TaskGroup g = new TaskGroup();
        g.result.onCancel(g::abort);
        AsyncFuture<T> b;
        try {
            b = AsyncFuture.of(Objects.requireNonNull(body.apply(g), "the task group body returned null"));
        } catch (Throwable e) {
            b = AsyncFuture.failed(e);
        }
        g.body = b;
        if (g.aborting) {
            b.cancel(false);
        }
        b.addDoneCallback(g::bodyDone);
        return (AsyncFuture<T>) (AsyncFuture<?>) g.result;
    }

    /**
     * Starts a child (asyncio {@code create_task}): calls {@code task} now, on this thread, and makes the group
     * wait for the stage it returns.
     *
     * @param task starts the child's work; if it throws, the child fails with that exception
     * @param <T>  the child's result type
     * @return the child's future (the stage itself if it is an {@code AsyncFuture}); it completes as the stage
     *         does; cancelling it cancels only this child, which the group does not count as a failure
     * @throws IllegalStateException if the group has finished, or is shutting down after a failure or a
     *                               cancellation; {@code task} is then not called
     */
    public <T> AsyncFuture<T> spawn(Supplier<? extends CompletionStage<T>> task) {
        Objects.requireNonNull(task, "task");
        for (int n = pending.get(); ; n = pending.get()) {
            if (n == 0) {
                throw new IllegalStateException("TaskGroup is finished");
            }
            if (aborting) {
                throw new IllegalStateException("TaskGroup is shutting down");
            }
            if (pending.compareAndSet(n, n + 1)) {
                break;
            }
        }
        AsyncFuture<T> child;
        try {
            child = AsyncFuture.of(Objects.requireNonNull(task.get(), "the task returned null"));
        } catch (Throwable e) {
            child = AsyncFuture.failed(e);
        }
        running.add(child);
        if (aborting) {
            child.cancel(false);
        }
        AsyncFuture<T> c = child;
        child.addDoneCallback((v, e) -> childDone(c, e));
        return child;
    }

    /**
     * Returns how many children are still running.
     *
     * @return the number of spawned children not yet complete
     */
    public int runningChildren() {
        return running.size();
    }

    @Override
    public String toString() {
        return "TaskGroup[running=" + running.size() + (aborting ? ", aborting" : "")
                + (pending.get() == 0 ? ", finished" : "") + "]";
    }

    private void childDone(AsyncFuture<?> child, Throwable failure) {
        running.remove(child);
        if (failure != null) {
            failed(Async.unwrap(failure));
        }
        arrive();
    }

    private void bodyDone(Object value, Throwable failure) {
        if (failure == null) {
            bodyValue = value;
        } else {
            Throwable e = Async.unwrap(failure);
            if (e instanceof CancellationException) {
                // Cancelled by our abort, or by the body's own code: either way the children must stop.
                bodyCancellation = e;
                abort();
            } else {
                failed(e);
            }
        }
        arrive();
    }

    private void failed(Throwable e) {
        if (e instanceof CancellationException) {
            return;
        }
        errors.add(e);
        abort();
    }

    private void abort() {
        // No early return when another thread is already aborting: each caller cancels what still runs before it
        // returns, so that cancel() of the scope's future has cancelled every child once it returns (cancelling
        // a child twice is harmless).
        aborting = true;
        for (AsyncFuture<?> child : running) {
            child.cancel(false);
        }
        AsyncFuture<?> b = body;
        if (b != null) {
            b.cancel(false);
        }
    }

    /** One of the body or the children has completed; the last one completes the group. */
    private void arrive() {
        if (pending.decrementAndGet() != 0) {
            return;
        }
        Throwable first = errors.poll();
        if (first != null) {
            for (Throwable other; (other = errors.poll()) != null; ) {
                Async.addSuppressed(first, other);
            }
            result.completeExceptionally(first);
        } else if (bodyCancellation != null) {
            result.completeExceptionally(bodyCancellation);
        } else {
            result.complete(bodyValue);
        }
    }
}
