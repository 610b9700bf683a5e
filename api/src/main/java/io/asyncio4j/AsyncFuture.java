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
 *   <li>An operation registers what cancelling it means with {@link #onCancel(Runnable)}: a read detaches its
 *       reader, a queued write leaves the queue, a timer is removed, a connect closes its socket.</li>
 *   <li>{@link #cancel(boolean)} completes this future with a {@link CancellationException}, then runs the
 *       registered actions on the calling thread, once, in reverse order of registration. A future that is
 *       already complete is not cancelled and runs no action.</li>
 *   <li>Every dependent created from an {@code AsyncFuture} ({@code thenApply}, {@code thenCompose},
 *       {@code handle}, {@code whenComplete}, {@code exceptionallyCompose}, their {@code Async} forms, ...) is an
 *       {@code AsyncFuture} too, and cancelling it cancels its source; for {@code thenCompose} and
 *       {@code exceptionallyCompose} it also cancels the inner stage that the function returned. So cancelling
 *       the last future of a pipeline cancels the stage in flight, and the stages in between see a
 *       {@code CancellationException} and run ({@code whenComplete}/{@code handle} cleanup still runs, even in
 *       the dependent that was cancelled, once the cancellation has reached the stage it depends on). All of
 *       this happens before {@code cancel} returns, on the cancelling thread, in this order: the cancelled future
 *       completes first, then the cancellation travels towards the stage in flight, running each stage's
 *       cleanup on the way and cancelling the operation in flight last (asyncio unwinds the other way: the
 *       innermost {@code finally} first).</li>
 *   <li>A future shared by several consumers must be shielded (see the combinators' {@code shield}) before one
 *       of them may cancel its view without cancelling the others.</li>
 *   <li>{@link #completeExceptionally} with a {@code CancellationException}, {@code orTimeout} and
 *       {@code obtrude*} complete this future but run no cancellation action: only {@code cancel} does.</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * Dependent actions run as in {@link CompletableFuture}: on the thread that completes this future, or on the
 * thread that attaches them if it is already complete. The operations of asyncio4j document which thread
 * completes their futures. Cancellation actions run on the thread calling {@code cancel}.
 *
 * @param <T> the result type
 */
public final class AsyncFuture<T> extends CompletableFuture<T> {

    private static final VarHandle ACTIONS;

    static {
        try {
            ACTIONS = MethodHandles.lookup().findVarHandle(AsyncFuture.class, "actions", Action.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Marks the action stack as consumed: actions registered afterwards run at once. */
    private static final Action RAN = new Action(() -> { }, null);

    /** The future this one was derived from; cancelling this one cancels it. */
    private final CompletableFuture<?> source;

    /** A Treiber stack of cancellation actions; {@link #RAN} once they ran. */
    @SuppressWarnings("unused") // accessed through ACTIONS
    private volatile Action actions;

    /** Creates an incomplete future with no cancellation action. */
    public AsyncFuture() {
        this.source = null;
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
        Action node = new Action(action, null);
        for (;;) {
            Action head = (Action) ACTIONS.getVolatile(this);
            if (head == RAN) {
                action.run();
                return this;
            }
            node.next = head;
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
     * {@code CompletionException}), and a {@code CancellationException} if this future is cancelled. An exception
     * it throws is dropped. Cancelling nothing else, it is not affected by any cancellation but this future's.
     *
     * @param callback what to call
     */
    public void addDoneCallback(BiConsumer<? super T, ? super Throwable> callback) {
        super.whenComplete(Objects.requireNonNull(callback, "callback"));
    }

    /**
     * Cancels this future and, through it, the operation in flight: completes this future with a
     * {@link CancellationException}, runs the registered cancellation actions, then cancels the future this one
     * was derived from. Does nothing and returns {@code false} if this future is already complete.
     *
     * @param mayInterruptIfRunning passed on to the source; asyncio4j's own operations ignore it
     * @return whether this call cancelled the future
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        if (!super.cancel(mayInterruptIfRunning)) {
            return false;
        }
        Throwable first = null;
        for (Action a = (Action) ACTIONS.getAndSet(this, RAN); a != null; a = a.next) {
            try {
                a.run.run();
            } catch (Throwable t) {
                if (first == null) {
                    first = t;
                } else {
                    first.addSuppressed(t);
                }
            }
        }
        if (source != null) {
            source.cancel(mayInterruptIfRunning);
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
        return true;
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

    /**
     * As {@link CompletableFuture#handle}; cancelling the result cancels this future, and {@code fn} still runs
     * when this future completes (with the {@code CancellationException}), so cleanup done in it is not skipped.
     */
    @Override
    public <U> AsyncFuture<U> handle(BiFunction<? super T, Throwable, ? extends U> fn) {
        Objects.requireNonNull(fn, "fn");
        AsyncFuture<U> d = newIncompleteFuture();
        super.whenComplete((v, x) -> handleInto(d, fn, v, x));
        return d;
    }

    /** As {@link #handle}, running {@code fn} asynchronously in the default executor. */
    @Override
    public <U> AsyncFuture<U> handleAsync(BiFunction<? super T, Throwable, ? extends U> fn) {
        Objects.requireNonNull(fn, "fn");
        AsyncFuture<U> d = newIncompleteFuture();
        super.whenCompleteAsync((v, x) -> handleInto(d, fn, v, x));
        return d;
    }

    /** As {@link #handle}, running {@code fn} in {@code executor}. */
    @Override
    public <U> AsyncFuture<U> handleAsync(BiFunction<? super T, Throwable, ? extends U> fn, Executor executor) {
        Objects.requireNonNull(fn, "fn");
        AsyncFuture<U> d = newIncompleteFuture();
        super.whenCompleteAsync((v, x) -> handleInto(d, fn, v, x), executor);
        return d;
    }

    /**
     * As {@link CompletableFuture#whenComplete}; cancelling the result cancels this future, and {@code action}
     * still runs when this future completes (with the {@code CancellationException}), so cleanup done in it is
     * not skipped.
     */
    @Override
    public AsyncFuture<T> whenComplete(BiConsumer<? super T, ? super Throwable> action) {
        Objects.requireNonNull(action, "action");
        AsyncFuture<T> d = newIncompleteFuture();
        super.whenComplete((v, x) -> whenCompleteInto(d, action, v, x));
        return d;
    }

    /** As {@link #whenComplete}, running {@code action} asynchronously in the default executor. */
    @Override
    public AsyncFuture<T> whenCompleteAsync(BiConsumer<? super T, ? super Throwable> action) {
        Objects.requireNonNull(action, "action");
        AsyncFuture<T> d = newIncompleteFuture();
        super.whenCompleteAsync((v, x) -> whenCompleteInto(d, action, v, x));
        return d;
    }

    /** As {@link #whenComplete}, running {@code action} in {@code executor}. */
    @Override
    public AsyncFuture<T> whenCompleteAsync(BiConsumer<? super T, ? super Throwable> action, Executor executor) {
        Objects.requireNonNull(action, "action");
        AsyncFuture<T> d = newIncompleteFuture();
        super.whenCompleteAsync((v, x) -> whenCompleteInto(d, action, v, x), executor);
        return d;
    }

    /*
     * whenComplete and handle run their function from a hidden dependent that nobody cancels, then complete the
     * returned dependent exactly as CompletableFuture would. CompletableFuture itself skips the function of a
     * dependent that is already complete, and cancelling the returned dependent completes it before the
     * cancellation reaches this future: the cleanup would never run.
     */

    private static <T> void whenCompleteInto(AsyncFuture<T> d, BiConsumer<? super T, ? super Throwable> action,
                                             T value, Throwable x) {
        try {
            action.accept(value, x);
        } catch (Throwable ex) {
            if (x == null) {
                x = ex;
            } else if (x != ex) {
                x.addSuppressed(ex);
            }
        }
        if (x == null) {
            d.complete(value);
        } else {
            d.completeExceptionally(wrapped(x));
        }
    }

    private static <T, U> void handleInto(AsyncFuture<U> d, BiFunction<? super T, Throwable, ? extends U> fn,
                                          T value, Throwable x) {
        U u;
        try {
            u = fn.apply(value, x);
        } catch (Throwable ex) {
            d.completeExceptionally(wrapped(ex));
            return;
        }
        d.complete(u);
    }

    /** A dependent's failure as CompletableFuture stores it. */
    private static Throwable wrapped(Throwable x) {
        return x instanceof CompletionException ? x : new CompletionException(x);
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
        Inner inner = new Inner();
        AsyncFuture<U> d = (AsyncFuture<U>) super.thenCompose(v -> inner.track(fn.apply(v)));
        return d.onCancel(inner);
    }

    /** As {@link #thenCompose}, running {@code fn} asynchronously in the default executor. */
    @Override
    public <U> AsyncFuture<U> thenComposeAsync(Function<? super T, ? extends CompletionStage<U>> fn) {
        Inner inner = new Inner();
        AsyncFuture<U> d = (AsyncFuture<U>) super.thenComposeAsync(v -> inner.track(fn.apply(v)));
        return d.onCancel(inner);
    }

    /** As {@link #thenCompose}, running {@code fn} in {@code executor}. */
    @Override
    public <U> AsyncFuture<U> thenComposeAsync(Function<? super T, ? extends CompletionStage<U>> fn,
                                               Executor executor) {
        Inner inner = new Inner();
        AsyncFuture<U> d = (AsyncFuture<U>) super.thenComposeAsync(v -> inner.track(fn.apply(v)), executor);
        return d.onCancel(inner);
    }

    /**
     * As {@link CompletableFuture#exceptionallyCompose}; cancelling the result cancels this future and, once
     * {@code fn} has run, the stage it returned.
     */
    @Override
    public AsyncFuture<T> exceptionallyCompose(Function<Throwable, ? extends CompletionStage<T>> fn) {
        Inner inner = new Inner();
        AsyncFuture<T> d = (AsyncFuture<T>) super.exceptionallyCompose(e -> inner.track(fn.apply(e)));
        return d.onCancel(inner);
    }

    /** As {@link #exceptionallyCompose}, running {@code fn} asynchronously in the default executor. */
    @Override
    public AsyncFuture<T> exceptionallyComposeAsync(Function<Throwable, ? extends CompletionStage<T>> fn) {
        Inner inner = new Inner();
        AsyncFuture<T> d = (AsyncFuture<T>) super.exceptionallyComposeAsync(e -> inner.track(fn.apply(e)));
        return d.onCancel(inner);
    }

    /** As {@link #exceptionallyCompose}, running {@code fn} in {@code executor}. */
    @Override
    public AsyncFuture<T> exceptionallyComposeAsync(Function<Throwable, ? extends CompletionStage<T>> fn,
                                                    Executor executor) {
        Inner inner = new Inner();
        AsyncFuture<T> d = (AsyncFuture<T>) super.exceptionallyComposeAsync(e -> inner.track(fn.apply(e)),
                executor);
        return d.onCancel(inner);
    }

    private static final class Action {
        final Runnable run;
        Action next;

        Action(Runnable run, Action next) {
            this.run = run;
            this.next = next;
        }
    }

    /**
     * The inner stage of a compose, once the function has returned it; cancelling the dependent cancels it,
     * including when the cancellation came first and the stage arrives afterwards.
     */
    private static final class Inner implements Runnable {
        private static final Object CANCELLED = new Object();
        private static final VarHandle STAGE;

        static {
            try {
                STAGE = MethodHandles.lookup().findVarHandle(Inner.class, "stage", Object.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        @SuppressWarnings("unused") // accessed through STAGE
        private volatile Object stage;

        <S extends CompletionStage<?>> S track(S s) {
            if (s != null && !STAGE.compareAndSet(this, null, s)) {
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
