package io.asyncio4j.combinators;

import io.asyncio4j.AsyncFuture;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
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
 *   <li>The group cancels each child and the body once: cleanup they start on that cancellation runs to
 *       completion, and the scope's future waits for it. Cancelling the scope's future cancels the body's stage
 *       and every child still running; cancelling it again cancels them again, which reaches their cleanup.</li>
 * </ul>
 *
 * <p>Thread-safe: children may be spawned from any thread, including from other children, for as long as the
 * group is running.
 */
public final class TaskGroup {

    /** A task: a cancel request aborts the group, and only the last of the body and the children settles it. */
    private final AsyncFuture<Object> result = AsyncFuture.forTask(this::cancelRequested);
    /** The children still running, each with whether the group has cancelled it. */
    private final Map<AsyncFuture<?>, Boolean> running = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    /** The body and the children not yet complete; zero means the group has finished. */
    private final AtomicInteger pending = new AtomicInteger(1);
    private final AtomicBoolean bodyCancelled = new AtomicBoolean();
    /** Cancel requests of the scope's future; every one after the first cancels everything again. */
    private final AtomicInteger cancelRequests = new AtomicInteger();
    private volatile boolean aborting;
    private volatile AsyncFuture<?> body;
    private Object bodyValue;
    private Throwable bodyCancellation;

    private TaskGroup() {
    }

    @SuppressWarnings("unchecked")
    static <T> AsyncFuture<T> start(Function<? super TaskGroup, ? extends CompletionStage<T>> body) {
        TaskGroup g = new TaskGroup();
        AsyncFuture<T> b;
        try {
            b = AsyncFuture.of(Objects.requireNonNull(body.apply(g), "the task group body returned null"));
        } catch (Throwable e) {
            b = AsyncFuture.failed(e);
        }
        g.body = b;
        if (g.aborting && g.bodyCancelled.compareAndSet(false, true)) {
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
        running.put(child, Boolean.FALSE);
        if (aborting && running.replace(child, Boolean.FALSE, Boolean.TRUE)) {
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
            failed(Failures.unwrap(failure));
        }
        arrive();
    }

    private void bodyDone(Object value, Throwable failure) {
        if (failure == null) {
            bodyValue = value;
        } else {
            Throwable e = Failures.unwrap(failure);
            if (e instanceof CancellationException) {
                // Cancelled by our abort, or by the body's own code: either way the children must stop.
                bodyCancellation = e;
                abort(false);
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
        abort(false);
    }

    /** The cancel request of the scope's future, on every {@code cancel} while it is pending. */
    private void cancelRequested() {
        abort(cancelRequests.getAndIncrement() > 0);
    }

    /**
     * Cancels every child still running and the body: each once ({@code again} false), so that cleanup they start
     * on the group's cancellation runs to completion, or all of them again, which reaches that cleanup.
     */
    private void abort(boolean again) {
        // No early return when another thread is already aborting: each caller cancels what it finds not yet
        // cancelled, so nothing spawned meanwhile is missed (the replace decides who cancels each child).
        aborting = true;
        for (AsyncFuture<?> child : running.keySet()) {
            if (running.replace(child, Boolean.FALSE, Boolean.TRUE) || again) {
                child.cancel(false);
            }
        }
        AsyncFuture<?> b = body;
        if (b != null && (bodyCancelled.compareAndSet(false, true) || again)) {
            b.cancel(false);
        }
    }

    /** One of the body or the children has completed; the last one settles the group. */
    private void arrive() {
        if (pending.decrementAndGet() != 0) {
            return;
        }
        Throwable first = errors.poll();
        if (first != null) {
            for (Throwable other; (other = errors.poll()) != null; ) {
                Failures.addSuppressed(first, other);
            }
            result.settleExceptionally(first);
        } else if (bodyCancellation != null) {
            result.settleExceptionally(bodyCancellation);
        } else if (cancelRequests.get() > 0) {
            result.settleExceptionally(new CancellationException("TaskGroup cancelled"));
        } else {
            result.settle(bodyValue);
        }
    }
}
