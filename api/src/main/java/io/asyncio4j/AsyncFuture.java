package io.asyncio4j;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The future returned by every asyncio4j operation: a {@link CompletableFuture} whose {@link #cancel cancel}
 * reaches the operation in flight, as cancelling an asyncio task delivers {@code CancelledError} where the task
 * waits.
 *
 * <h2>Cancellation contract</h2>
 * <ul>
 *   <li>An operation registers what cancelling it means with {@link #onCancel(Runnable)}, or creates its future
 *       with it ({@link #AsyncFuture(Runnable)}): a read detaches its reader, a queued write leaves the queue, a
 *       timer is removed, a connect closes its socket.</li>
 *   <li>{@link #cancel(boolean)} completes this future with a {@link CancellationException}, then runs the
 *       registered actions on the calling thread, once, in reverse order of registration. A future that is
 *       already complete is not cancelled and runs no action.</li>
 *   <li>Cancellation travels up to the stage in flight and flows back down: the stages in between complete
 *       with the {@code CancellationException} (wrapped in a {@code CompletionException}, as
 *       {@code CompletableFuture} relays failures), so their cleanup runs.</li>
 *   <li>Every dependent created from an {@code AsyncFuture} ({@code thenApply}, {@code thenCompose},
 *       {@code handle}, {@code whenComplete}, {@code exceptionallyCompose}, their {@code Async} forms, ...) is an
 *       {@code AsyncFuture} too, and cancelling it cancels its source; for {@code thenCompose} and
 *       {@code exceptionallyCompose} it also cancels the inner stage that the function returned. So cancelling
 *       the last future of a pipeline cancels the stage in flight, and the stages in between see a
 *       {@code CancellationException} and run ({@code whenComplete}/{@code handle} cleanup still runs).</li>
 *   <li>A future shared by several consumers must be shielded (see the combinators' {@code shield}) before one
 *       of them may cancel its view without cancelling the others.</li>
 *   <li>{@link #completeExceptionally} with a {@code CancellationException}, {@code orTimeout} and
 *       {@code obtrude*} complete this future but run no cancellation action: only {@code cancel} does.</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * Dependent actions run as in {@link CompletableFuture}: on the thread that completes this future, or on the
 * thread that attaches them if it is already complete. The operations of asyncio4j document which thread
 * completes their futures. Cancellation actions run on the thread calling {@code cancel}. Hand futures to other
 * threads as any object with mutable state (through a future's completion, an executor, a lock or a volatile
 * field): a future created with its action, or by {@code thenCompose}, sets that action without a fence, and a
 * thread that reads the future through a data race may cancel it without running the action.
 *
 * @param <T> the result type
 */
public final class AsyncFuture<T> extends CompletableFuture<T> {

    private static final VarHandle ACTIONS;
    private static final VarHandle CALLBACKS;

    static {
        try {
            ACTIONS = MethodHandles.lookup().findVarHandle(AsyncFuture.class, "actions", Object.class);
            CALLBACKS = MethodHandles.lookup().findVarHandle(AsyncFuture.class, "callbacks", DoneCallback.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Marks the actions as consumed: actions registered afterwards run at once. */
    private static final Object RAN = new Object();

    /** The future this one was derived from; cancelling this one cancels it. */
    private final CompletableFuture<?> source;

    /**
     * The cancellation actions: {@code null}, the one {@code Runnable} registered (most operations register one,
     * and it then costs no node), or a Treiber stack of {@link Action}s whose last node's {@code next} is the first
     * action; {@link #RAN} once they ran.
     */
    @SuppressWarnings("unused") // accessed through ACTIONS
    private volatile Object actions;

    /** A Treiber stack of done callbacks (newest first); {@link DoneCallback#RAN} once they ran. */
    @SuppressWarnings("unused") // accessed through CALLBACKS
    private volatile DoneCallback<T> callbacks;

    /** Creates an incomplete future with no cancellation action. */
    public AsyncFuture() {
        this.source = null;
    }

    /**
     * Creates an incomplete future whose cancellation runs {@code onCancel}: the same as
     * {@code new AsyncFuture<>().onCancel(onCancel)}, without the atomic update a registration on a published future
     * needs. For code that creates a future per operation (a connection's reads and writes do).
     *
     * <p>The action runs as {@link #onCancel} describes: once, on the thread whose {@link #cancel} call cancels this
     * future, after any action registered later; never when the future completes, even exceptionally with a
     * {@code CancellationException}. Hand the future to other threads as any object with mutable state, through a
     * future's completion, an executor, a lock or a volatile field: a thread that reads it through a data race may
     * cancel it without running the action.
     *
     * @param onCancel what cancelling this future means for the operation behind it
     * @throws NullPointerException if {@code onCancel} is null
     */
    public AsyncFuture(Runnable onCancel) {
        this.source = null;
        // Nobody else can see this future yet: a release store, not a compare-and-set.
        ACTIONS.setRelease(this, Objects.requireNonNull(onCancel, "onCancel"));
    }

    private AsyncFuture(CompletableFuture<?> source) {
        this.source = source;
    }

    /**
     * Returns a future already completed with {@code value}.
     *
     * @param value the result, may be {@code null}
     * @param <T>   the result type
     * @return a completed future; cancelling it has no effect
     */
    public static <T> AsyncFuture<T> completed(T value) {
        AsyncFuture<T> f = new AsyncFuture<>();
        f.complete(value);
        return f;
    }

    /**
     * Returns a future already completed exceptionally with {@code failure}.
     *
     * @param failure the exception
     * @param <T>     the result type
     * @return a failed future; cancelling it has no effect
     */
    public static <T> AsyncFuture<T> failed(Throwable failure) {
        AsyncFuture<T> f = new AsyncFuture<>();
        f.completeExceptionally(Objects.requireNonNull(failure, "failure"));
        return f;
    }

    /**
     * Adopts a foreign stage: returns it if it already is an {@code AsyncFuture}, otherwise a new future that
     * completes as {@code stage} does.
     *
     * <p>Cancelling the returned future is best effort for a foreign stage: it calls
     * {@code stage.toCompletableFuture().cancel(true)}, which a plain {@code CompletableFuture} honours by
     * completing but which stops no work behind it, and which some stages refuse.
     *
     * @param stage the stage to adopt
     * @param <T>   the result type
     * @return a future completing with the stage's outcome, on the thread that completes the stage
     */
    public static <T> AsyncFuture<T> of(CompletionStage<T> stage) {
        Objects.requireNonNull(stage, "stage");
        if (stage instanceof AsyncFuture) {
            return (AsyncFuture<T>) stage;
        }
        AsyncFuture<T> f = new AsyncFuture<>();
        stage.whenComplete((v, e) -> {
            if (e == null) {
                f.complete(v);
            } else {
                f.completeExceptionally(e);
            }
        });
        f.onCancel(() -> cancelQuietly(stage));
        return f;
    }

    /**
     * Cancels any stage as well as it can: an {@code AsyncFuture} fully, another {@code CompletableFuture} by
     * completing it, a stage that refuses ({@code UnsupportedOperationException}) not at all.
     *
     * @param stage the stage to cancel
     */
    static void cancelQuietly(CompletionStage<?> stage) {
        try {
            stage.toCompletableFuture().cancel(true);
        } catch (UnsupportedOperationException refused) {
            // A minimal stage cannot be cancelled from outside; nothing else to do.
        }
    }

    /**
     * {@link #onCancel} for a dependent this future's composition method has just created: until it is returned,
     * no thread can cancel it or register an action, so a release store does; one already completed (the function
     * ran at once) can no longer be cancelled and needs none.
     */
    private AsyncFuture<T> onCancelOfNew(Runnable action) {
        if (!isDone()) {
            ACTIONS.setRelease(this, action);
        }
        return this;
    }

    /**
     * Registers what cancelling this future means for the operation behind it.
     *
     * <p>The action runs once, on the thread that calls {@link #cancel}, if and only if this future is
     * cancelled; at once on this thread if it already was. It must be short and must not block; if it throws,
     * the other actions still run and the first exception is rethrown from {@code cancel}.
     *
     * @param action what to do on cancellation
     * @return this future
     */
    public AsyncFuture<T> onCancel(Runnable action) {
        Objects.requireNonNull(action, "action");
        if (isDone() && !isCancelled()) {
            // It can never be cancelled now; keeping the action would only leak it (shared completed futures).
            return this;
        }
        for (;;) {
            Object head = ACTIONS.getVolatile(this);
            if (head == RAN) {
                action.run();
                return this;
            }
            Object node = head == null ? action : new Action(action, head);
            if (ACTIONS.compareAndSet(this, head, node)) {
                return this;
            }
        }
    }

    /**
     * Calls {@code callback} with this future's value or failure once it completes (asyncio
     * {@code add_done_callback}): the cheapest way to observe a future, with no dependent future to return.
     *
     * <p>The callback runs once, on the thread that completes this future, or at once on this thread if it is
     * already complete; it sees a failure as stored (a dependent's failure wrapped in a
     * {@code CompletionException}), and a {@code CancellationException} if this future is cancelled. Callbacks
     * run in the order they were registered, as asyncio's do (a plain {@code CompletableFuture} runs its
     * dependents in reverse order). An exception a callback throws is dropped; the next callbacks still run. It
     * creates no dependent, so no cancellation but this future's own affects it.
     *
     * @param callback what to call
     */
    public void addDoneCallback(BiConsumer<? super T, ? super Throwable> callback) {
        DoneCallback<T> node = new DoneCallback<>(Objects.requireNonNull(callback, "callback"));
        for (;;) {
            @SuppressWarnings("unchecked")
            DoneCallback<T> head = (DoneCallback<T>) CALLBACKS.getVolatile(this);
            if (head == DoneCallback.RAN) {
                super.whenComplete(callback); // complete: runs now, with the failure as stored
                return;
            }
            node.next = head;
            if (CALLBACKS.compareAndSet(this, head, node)) {
                if (head == null) {
                    // The first callback installs the one dependent that runs them all, oldest first.
                    node.owner = this;
                    super.whenComplete(node);
                }
                return;
            }
        }
    }

    private void runDoneCallbacks(T value, Throwable failure) {
        @SuppressWarnings("unchecked")
        DoneCallback<T> stack = (DoneCallback<T>) CALLBACKS.getAndSet(this, DoneCallback.RAN);
        DoneCallback<T> fifo = null;
        while (stack != null && stack != DoneCallback.RAN) {
            DoneCallback<T> next = stack.next;
            stack.next = fifo;
            fifo = stack;
            stack = next;
        }
        for (DoneCallback<T> c = fifo; c != null; c = c.next) {
            c.runQuietly(value, failure);
        }
    }

    /**
     * Cancels this future and, through it, the operation in flight.
     *
     * <p>First the future this one was derived from is cancelled, so that the cancellation flows down through
     * the stages in between as it does in asyncio: their {@code whenComplete}/{@code handle} cleanup runs with
     * the {@code CancellationException}. Then, if this future is not complete yet, it is completed with a
     * {@link CancellationException} and its cancellation actions run on this thread (reverse order of
     * registration). If the flow completed it with a cancellation as the cause, it is set to the plain
     * {@code CancellationException}, so that {@link #isCancelled()} holds. If a stage in between recovered from
     * the cancellation and this future completed normally, the cancellation was suppressed (as an asyncio task
     * that catches {@code CancelledError}) and this method returns {@code false}.
     *
     * @param mayInterruptIfRunning passed on to the source; asyncio4j's own operations ignore it
     * @return whether this future is now cancelled
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        if (source != null && !isDone()) {
            source.cancel(mayInterruptIfRunning);
        }
        if (super.completeExceptionally(new CancellationException())) {
            runCancelActions();
        } else if (isCompletedExceptionally() && !isCancelled() && causedByCancellation()) {
            obtrudeException(new CancellationException());
            runCancelActions();
        }
        return isCancelled();
    }

    private boolean causedByCancellation() {
        try {
            join();
            return false;
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            while (cause instanceof CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            return cause instanceof CancellationException;
        } catch (CancellationException e) {
            return true;
        }
    }

    private void runCancelActions() {
        Throwable first = null;
        Object a = ACTIONS.getAndSet(this, RAN);
        while (a != null && a != RAN) {
            Runnable run;
            if (a instanceof Action) {
                run = ((Action) a).run;
                a = ((Action) a).next;
            } else {
                run = (Runnable) a;
                a = null;
            }
            try {
                run.run();
            } catch (Throwable t) {
                if (first == null) {
                    first = t;
                } else {
                    first.addSuppressed(t);
                }
            }
        }
        if (first instanceof RuntimeException) {
            throw (RuntimeException) first;
        }
        if (first instanceof Error) {
            throw (Error) first;
        }
        if (first != null) {
            throw new IllegalStateException("cancellation action failed", first);
        }
    }

    /**
     * Returns a new incomplete {@code AsyncFuture} whose cancellation cancels this one; every
     * {@code CompletionStage} method creates its dependents here.
     */
    @Override
    public <U> AsyncFuture<U> newIncompleteFuture() {
        return new AsyncFuture<>(this);
    }

    /** Returns this future. */
    @Override
    public AsyncFuture<T> toCompletableFuture() {
        return this;
    }

    // Covariant overrides of the common CompletionStage methods, so pipelines keep the AsyncFuture type.

    /** As {@link CompletableFuture#thenApply}; cancelling the result cancels this future. */
    @Override
    public <U> AsyncFuture<U> thenApply(Function<? super T, ? extends U> fn) {
        return (AsyncFuture<U>) super.thenApply(fn);
    }

    /** As {@link CompletableFuture#thenAccept}; cancelling the result cancels this future. */
    @Override
    public AsyncFuture<Void> thenAccept(Consumer<? super T> action) {
        return (AsyncFuture<Void>) super.thenAccept(action);
    }

    /** As {@link CompletableFuture#thenRun}; cancelling the result cancels this future. */
    @Override
    public AsyncFuture<Void> thenRun(Runnable action) {
        return (AsyncFuture<Void>) super.thenRun(action);
    }

    /**
     * As {@link CompletableFuture#thenCombine}; cancelling the result cancels this future (not {@code other}).
     */
    @Override
    public <U, V> AsyncFuture<V> thenCombine(CompletionStage<? extends U> other,
                                            BiFunction<? super T, ? super U, ? extends V> fn) {
        return (AsyncFuture<V>) super.thenCombine(other, fn);
    }

    /** As {@link CompletableFuture#handle}; cancelling the result cancels this future. */
    @Override
    public <U> AsyncFuture<U> handle(BiFunction<? super T, Throwable, ? extends U> fn) {
        return (AsyncFuture<U>) super.handle(fn);
    }

    /** As {@link CompletableFuture#whenComplete}; cancelling the result cancels this future. */
    @Override
    public AsyncFuture<T> whenComplete(BiConsumer<? super T, ? super Throwable> action) {
        return (AsyncFuture<T>) super.whenComplete(action);
    }

    /** As {@link CompletableFuture#exceptionally}; cancelling the result cancels this future. */
    @Override
    public AsyncFuture<T> exceptionally(Function<Throwable, ? extends T> fn) {
        return (AsyncFuture<T>) super.exceptionally(fn);
    }

    /**
     * As {@link CompletableFuture#thenCompose}; cancelling the result cancels this future and, once {@code fn}
     * has run, the stage it returned.
     */
    @Override
    public <U> AsyncFuture<U> thenCompose(Function<? super T, ? extends CompletionStage<U>> fn) {
        Inner<T, CompletionStage<U>> inner = new Inner<>(fn);
        AsyncFuture<U> d = (AsyncFuture<U>) super.thenCompose(inner);
        return d.onCancelOfNew(inner);
    }

    /** As {@link #thenCompose}, running {@code fn} asynchronously in the default executor. */
    @Override
    public <U> AsyncFuture<U> thenComposeAsync(Function<? super T, ? extends CompletionStage<U>> fn) {
        Inner<T, CompletionStage<U>> inner = new Inner<>(fn);
        AsyncFuture<U> d = (AsyncFuture<U>) super.thenComposeAsync(inner);
        return d.onCancelOfNew(inner);
    }

    /** As {@link #thenCompose}, running {@code fn} in {@code executor}. */
    @Override
    public <U> AsyncFuture<U> thenComposeAsync(Function<? super T, ? extends CompletionStage<U>> fn,
                                               Executor executor) {
        Inner<T, CompletionStage<U>> inner = new Inner<>(fn);
        AsyncFuture<U> d = (AsyncFuture<U>) super.thenComposeAsync(inner, executor);
        return d.onCancelOfNew(inner);
    }

    /**
     * As {@link CompletableFuture#exceptionallyCompose}; cancelling the result cancels this future and, once
     * {@code fn} has run, the stage it returned.
     */
    @Override
    public AsyncFuture<T> exceptionallyCompose(Function<Throwable, ? extends CompletionStage<T>> fn) {
        Inner<Throwable, CompletionStage<T>> inner = new Inner<>(fn);
        AsyncFuture<T> d = (AsyncFuture<T>) super.exceptionallyCompose(inner);
        return d.onCancel(inner);
    }

    /** As {@link #exceptionallyCompose}, running {@code fn} asynchronously in the default executor. */
    @Override
    public AsyncFuture<T> exceptionallyComposeAsync(Function<Throwable, ? extends CompletionStage<T>> fn) {
        Inner<Throwable, CompletionStage<T>> inner = new Inner<>(fn);
        AsyncFuture<T> d = (AsyncFuture<T>) super.exceptionallyComposeAsync(inner);
        return d.onCancel(inner);
    }

    /** As {@link #exceptionallyCompose}, running {@code fn} in {@code executor}. */
    @Override
    public AsyncFuture<T> exceptionallyComposeAsync(Function<Throwable, ? extends CompletionStage<T>> fn,
                                                    Executor executor) {
        Inner<Throwable, CompletionStage<T>> inner = new Inner<>(fn);
        AsyncFuture<T> d = (AsyncFuture<T>) super.exceptionallyComposeAsync(inner, executor);
        return d.onCancel(inner);
    }

    private static final class DoneCallback<T> implements BiConsumer<T, Throwable> {
        /** Marks the callback stack as consumed: callbacks registered afterwards run at once. */
        static final DoneCallback<Object> RAN = new DoneCallback<>((v, e) -> { });

        final BiConsumer<? super T, ? super Throwable> callback;
        DoneCallback<T> next;
        /** Set on the first callback only: it is the one dependent that runs them all, oldest first. */
        AsyncFuture<T> owner;

        @Override
        public void accept(T value, Throwable failure) {
            owner.runDoneCallbacks(value, failure);
        }

        DoneCallback(BiConsumer<? super T, ? super Throwable> callback) {
            this.callback = callback;
        }

        void runQuietly(T value, Throwable failure) {
            try {
                callback.accept(value, failure);
            } catch (Throwable dropped) {
                // As documented: a callback's exception is dropped, the next callbacks still run.
            }
        }
    }

    /** A cancellation action registered after another: {@code next} is the older action or stack. */
    private static final class Action {
        final Runnable run;
        final Object next;

        Action(Runnable run, Object next) {
            this.run = run;
            this.next = next;
        }
    }

    /**
     * The function of a compose, and then the inner stage it returned: cancelling the dependent cancels that
     * stage, including when the cancellation came first and the stage arrives afterwards.
     */
    private static final class Inner<A, S extends CompletionStage<?>> implements Function<A, S>, Runnable {
        private static final Object CANCELLED = new Object();
        private static final VarHandle STAGE;

        static {
            try {
                STAGE = MethodHandles.lookup().findVarHandle(Inner.class, "stage", Object.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final Function<? super A, ? extends S> fn;
        @SuppressWarnings("unused") // accessed through STAGE
        private volatile Object stage;

        Inner(Function<? super A, ? extends S> fn) {
            this.fn = Objects.requireNonNull(fn, "fn");
        }

        @Override
        public S apply(A value) {
            S s = fn.apply(value);
            boolean done = s instanceof CompletableFuture && ((CompletableFuture<?>) s).isDone();
            if (s != null && !done && !STAGE.compareAndSet(this, null, s)) {
                cancelQuietly(s);
            }
            return s;
        }

        @Override
        public void run() {
            Object s = STAGE.getAndSet(this, CANCELLED);
            if (s instanceof CompletionStage) {
                cancelQuietly((CompletionStage<?>) s);
            }
        }
    }
}
