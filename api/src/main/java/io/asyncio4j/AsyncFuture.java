package io.asyncio4j;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The future returned by every asyncio4j operation: a {@link CompletableFuture} whose {@link #cancel cancel}
 * reaches the operation in flight, as cancelling an asyncio task delivers {@code CancelledError} where the task
 * waits.
 *
 * <h2>Two sides</h2>
 * The operation behind a future (a read, a write, a timer, a lock's waiter) <em>settles</em> it:
 * {@link #settle(Object) settle} and {@link #settleExceptionally settleExceptionally}. Everybody else who completes
 * it <em>gives it up</em>: {@link #cancel cancel}, {@link #complete complete}, {@link #completeExceptionally
 * completeExceptionally}, {@link #orTimeout orTimeout}, {@link #completeOnTimeout completeOnTimeout},
 * {@link #completeAsync(java.util.function.Supplier) completeAsync} and {@code obtrude*}. A future is settled or
 * given up, never both: the first of the two to claim it wins, and the other is refused ({@code settle} and
 * {@code complete} return {@code false}).
 *
 * <h2>Giving up releases the operation first</h2>
 * <ul>
 *   <li>An operation registers what giving it up means with {@link #onCancel(Runnable)}, or creates its future with
 *       it ({@link #AsyncFuture(Runnable)}): a read detaches its reader and puts back the bytes it had claimed, a
 *       queued write leaves the queue, a timer is removed, a lock's waiter leaves the queue and passes its wake-up
 *       on, a connect closes its socket.</li>
 *   <li>Giving a future up runs those actions on the calling thread, once, in reverse order of registration,
 *       <em>before</em> the future completes: no dependent of the future sees its outcome while the operation
 *       still holds anything (claimed bytes, the caller's buffer, a place in a queue).</li>
 *   <li>Giving up a stage derived from an operation's future ({@code thenApply}, {@code thenCompose},
 *       {@code handle}, {@code whenComplete}, {@code exceptionallyCompose}, their {@code Async} forms, ...: every
 *       dependent of an {@code AsyncFuture} is an {@code AsyncFuture}) releases the stage in flight the same way,
 *       up the chain of sources and through the stage a {@code thenCompose} function returned. So
 *       {@code conn.readLine(n).thenApply(parse).orTimeout(1, SECONDS)} times out like {@code Async.waitFor}: the
 *       read is detached and its bytes stay buffered for the next read.</li>
 *   <li>A stage whose operation has already settled cannot be given up: its value is on its way to it (a
 *       {@code thenApply} or {@code thenCompose} function may be running, an {@code Async} stage may wait for its
 *       executor), and dropping it would lose what the operation delivered. {@code cancel} and {@code complete}
 *       then return {@code false} (an {@code orTimeout} that fires then does nothing), and the stage completes
 *       with that value, or with the outcome of the stage its compose function returns. The exception: a stage
 *       that waits for two sources ({@code thenCombine}, {@code thenAcceptBoth}, {@code runAfterBoth}) can be
 *       given up while the other source is pending, dropping the value the first one delivered to it.</li>
 *   <li>A stage that waits for either of two sources ({@code applyToEither}, {@code acceptEither},
 *       {@code runAfterEither}; asyncio has no such stage) is given up like a two-source stage while both are
 *       pending: this future is given up, the other source is not, and the stage completes at once. Once either
 *       source has completed, its outcome is on its way to the stage, which can no longer be given up.</li>
 *   <li>{@code cancel}: once the stage in flight is released, the cancellation flows down through the stages in
 *       between, innermost first, so their {@code whenComplete}/{@code handle} cleanup runs as asyncio unwinds
 *       {@code finally} blocks. A stage in between that handles the cancellation by starting more work
 *       ({@code exceptionallyCompose} returning a cleanup stage) is waited for: the cancelled future completes when
 *       that cleanup has settled, with its outcome (a cleanup that returns a value suppresses the cancellation, as
 *       a task that catches {@code CancelledError}). Cancelling again reaches the cleanup in flight.</li>
 *   <li>{@code complete}, {@code completeExceptionally}, {@code orTimeout}, {@code obtrude*}: once the stage in
 *       flight is released, this future completes with the given outcome at once; the stages in between then
 *       complete with the cancellation, and cleanup they start runs to completion unobserved. To wait for that
 *       cleanup, use {@code Async.waitFor} rather than {@code orTimeout}.</li>
 *   <li>Cancelling a dependent cancels its source: a future shared by several consumers must be shielded (see the
 *       combinators' {@code shield}) before one of them may give up its view without giving up the others.</li>
 *   <li>Two give-ups of one chain at once (two threads, two dependents): the second waits until the first one's
 *       actions have run, so nothing completes before the operation has let go.</li>
 *   <li>Every {@code CompletionStage} method, each form with {@code Async} and with an executor, returns an
 *       {@code AsyncFuture}. Only {@link #minimalCompletionStage()} does not: it returns the JDK's minimal stage,
 *       and giving up its dependents does not reach the operation.</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * Dependent actions run as in {@link CompletableFuture}: on the thread that completes this future, or on the
 * thread that attaches them if it is already complete. The operations of asyncio4j document which thread
 * completes their futures. Cancellation actions run on the thread that gives the future up. Hand futures to other
 * threads as any object with mutable state (through a future's completion, an executor, a lock or a volatile
 * field): a future created with its action, or by {@code thenCompose}, sets that action without a fence, and a
 * thread that reads the future through a data race may give it up without running the action.
 *
 * <p>One concept, one file, past the usual length: the gate, the walk up the chain of sources and the stage
 * methods that record those sources share private state that no other class may touch, and a quarter of the code
 * is the covariant overrides that keep every stage an {@code AsyncFuture}.
 *
 * @param <T> the result type
 */
public final class AsyncFuture<T> extends CompletableFuture<T> {

    private static final VarHandle ACTIONS;
    private static final VarHandle CALLBACKS;
    private static final VarHandle INNER;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            ACTIONS = l.findVarHandle(AsyncFuture.class, "actions", Object.class);
            CALLBACKS = l.findVarHandle(AsyncFuture.class, "callbacks", DoneCallback.class);
            INNER = l.findVarHandle(AsyncFuture.class, "inner", Inner.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The operation settled this future: its actions are dropped, giving it up is refused. */
    private static final Object SETTLED = new Object();
    /** Completed from outside: its actions ran, its outcome is decided and flows down to its dependents. */
    private static final Object COMPLETING = new Object();
    /**
     * Given up with a cancellation (cancelled, or released as the stage in flight under a stage given up): its
     * actions ran; an operation's future then completes with a {@code CancellationException}, a derived stage or a
     * task with the outcome that settles it.
     */
    private static final Object RELEASED = new Object();

    /**
     * The future this one was derived from; giving this one up gives it up. A compose dependent drops it for
     * {@link #SOURCE_DONE} once its function ran, so that a long chain of composed stages does not keep every
     * completed ancestor reachable; a racy read sees either, and both are complete.
     */
    private CompletableFuture<?> source;

    /** Stands for a source that has completed. */
    private static final CompletableFuture<Object> SOURCE_DONE = CompletableFuture.completedFuture(null);

    /**
     * The gate: {@code null} or the cancellation actions while nobody has claimed this future — the one
     * {@code Runnable} registered (most operations register one, and it then costs no node), or a Treiber stack of
     * {@link Action}s whose last node's {@code next} is the first action — a {@link TaskCancel} for a task's
     * future; then {@link #SETTLED}, {@link #COMPLETING} or {@link #RELEASED}, whichever claimed it first.
     */
    @SuppressWarnings("unused") // accessed through ACTIONS
    private volatile Object actions;

    /** For a {@code thenCompose}/{@code exceptionallyCompose} dependent: its function and the stage it returned. */
    @SuppressWarnings("unused") // accessed through INNER
    private Inner<?, ?> inner;

    /** A Treiber stack of done callbacks (newest first); {@link DoneCallback#RAN} once they ran. */
    @SuppressWarnings("unused") // accessed through CALLBACKS
    private volatile DoneCallback<T> callbacks;

    /** Creates an incomplete future with no cancellation action. */
    public AsyncFuture() {
        this.source = null;
    }

    /**
     * Creates an incomplete future whose giving up runs {@code onCancel}: the same as
     * {@code new AsyncFuture<>().onCancel(onCancel)}, without the atomic update a registration on a published future
     * needs. For code that creates a future per operation (a connection's reads and writes do).
     *
     * <p>The action runs as {@link #onCancel} describes: once, on the thread that gives this future up, after any
     * action registered later and before the future completes; never when the operation {@linkplain #settle
     * settles} it. Hand the future to other threads as any object with mutable state, through a future's
     * completion, an executor, a lock or a volatile field: a thread that reads it through a data race may give it up
     * without running the action.
     *
     * @param onCancel what giving this future up means for the operation behind it
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

    private AsyncFuture(TaskCancel task) {
        this.source = null;
        ACTIONS.setRelease(this, task);
    }

    /**
     * Creates the future of a task that finishes its own cancellation, as an asyncio {@code Task} does: cancelling
     * it runs {@code onCancelRequest} (on every {@code cancel} call while it is pending, as cancelling an asyncio
     * task again delivers another {@code CancelledError}) and leaves it pending until the task settles it, with a
     * {@code CancellationException} or whatever its cleanup produced. The combinators that wait for what they
     * cancelled ({@code waitFor}, {@code timeout}, {@code taskGroup}) return such futures.
     *
     * <p>Completing it from outside ({@code complete}, {@code orTimeout}, ...) runs {@code onCancelRequest} once and
     * completes it at once. A task that never settles after a cancel request leaves its future pending.
     *
     * @param onCancelRequest what a cancel request asks of the task; short, non-blocking, may run more than once
     * @param <T>             the result type
     * @return an incomplete future
     * @throws NullPointerException if {@code onCancelRequest} is null
     */
    public static <T> AsyncFuture<T> forTask(Runnable onCancelRequest) {
        return new AsyncFuture<>(new TaskCancel(Objects.requireNonNull(onCancelRequest, "onCancelRequest")));
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
        f.settle(value);
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
        f.settleExceptionally(Objects.requireNonNull(failure, "failure"));
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
                f.settle(v);
            } else {
                f.settleExceptionally(e);
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
     * Registers what giving this future up means for the operation behind it.
     *
     * <p>The action runs once, on the thread that gives this future up ({@link #cancel}, or a completion from
     * outside such as {@link #complete} or {@link #orTimeout}), before the future completes; at once on this thread
     * if it already was given up; never if the operation {@linkplain #settle settles} it. It must be short and must
     * not block; if it throws, the other actions still run, the future is still given up, and the first exception
     * is rethrown to the thread giving it up.
     *
     * @param action what to do when this future is given up
     * @return this future
     */
    public AsyncFuture<T> onCancel(Runnable action) {
        Objects.requireNonNull(action, "action");
        for (;;) {
            Object head = gate();
            if (head == RELEASED || head == COMPLETING) {
                action.run();
                return this;
            }
            if (head == SETTLED) {
                return this;
            }
            if (isDone()) {
                // A give-up may have claimed the gate since it was read: then the action runs, else it never would.
                Object now = gate();
                if (now == RELEASED || now == COMPLETING) {
                    action.run();
                }
                return this; // keeping it would only leak it (shared completed futures)
            }
            Object node;
            if (head instanceof TaskCancel) {
                node = ((TaskCancel) head).with(action);
            } else {
                node = head == null ? action : new Action(action, head);
            }
            if (ACTIONS.compareAndSet(this, head, node)) {
                return this;
            }
        }
    }

    /**
     * Completes this future with {@code value} as the operation behind it: the operation's own completion, which
     * no cancellation action follows.
     *
     * <p>Refused if this future was given up first (cancelled or completed from outside), in which case the
     * operation's actions have run or are running and the operation must keep what it would have delivered (a read
     * puts its bytes back). A stage derived from another one, completed by hand as some combinators do, may settle
     * after it was cancelled: that settles the cancellation.
     *
     * @param value the result
     * @return whether this call completed the future
     */
    public boolean settle(T value) {
        return claimForSettle() && super.complete(value);
    }

    /**
     * Completes this future with {@code failure} as the operation behind it; see {@link #settle}.
     *
     * @param failure the exception
     * @return whether this call completed the future
     * @throws NullPointerException if {@code failure} is null
     */
    public boolean settleExceptionally(Throwable failure) {
        Objects.requireNonNull(failure, "failure");
        return claimForSettle() && super.completeExceptionally(failure);
    }

    /**
     * Returns whether this future was given up (cancelled, or completed from outside: see the class documentation):
     * {@code true} from the moment a give-up claims it, before its cancellation actions run and before it completes,
     * so an operation's own bookkeeping can tell a waiter given up from one still waiting; {@code false} while it is
     * pending and if its operation settled it.
     *
     * @return whether this future was given up
     */
    public boolean isGivenUp() {
        Object head = ACTIONS.getVolatile(this);
        return head == RELEASED || head == COMPLETING || head instanceof Releasing;
    }

    private boolean claimForSettle() {
        for (;;) {
            Object head = ACTIONS.getVolatile(this);
            if (head == SETTLED || head == COMPLETING) {
                return false;
            }
            if (head == RELEASED || head instanceof Releasing) {
                // An operation released is not allowed to deliver; a derived stage settled by hand (waitFor's
                // result) finishes its cancellation, once the give-up's actions have run.
                return source != null && gate() == RELEASED;
            }
            if (ACTIONS.compareAndSet(this, head, SETTLED)) {
                return true;
            }
        }
    }

    /**
     * Gives this future up and completes it with {@code value}: the operation behind it, or behind the stage it
     * waits for, is released first (see the class documentation), then this future completes and its dependents
     * run, then the stages in between complete with a cancellation.
     *
     * @param value the result
     * @return whether this call completed the future; {@code false} if it was complete, settled, given up by
     *         another call, or if the operation it waits for had already delivered its value
     */
    @Override
    public boolean complete(T value) {
        return completeFromOutside(value, null);
    }

    /**
     * Gives this future up and completes it with {@code failure}; see {@link #complete}.
     *
     * @param failure the exception
     * @return whether this call completed the future
     */
    @Override
    public boolean completeExceptionally(Throwable failure) {
        return completeFromOutside(null, Objects.requireNonNull(failure, "failure"));
    }

    /**
     * Gives this future up if it is pending (see {@link #complete}), then sets its value, as
     * {@link CompletableFuture#obtrudeValue} does: the operation is released first, but a value it had already
     * delivered is overwritten.
     *
     * @param value the result
     */
    @Override
    public void obtrudeValue(T value) {
        if (!isDone()) {
            completeFromOutside(value, null);
        }
        super.obtrudeValue(value);
    }

    /**
     * Gives this future up if it is pending (see {@link #complete}), then sets its failure, as
     * {@link CompletableFuture#obtrudeException} does.
     *
     * @param failure the exception
     */
    @Override
    public void obtrudeException(Throwable failure) {
        if (!isDone()) {
            completeFromOutside(null, Objects.requireNonNull(failure, "failure"));
        }
        super.obtrudeException(failure);
    }

    /**
     * As {@link CompletableFuture#completeAsync(Supplier, Executor)}, completing through {@link #complete}: the
     * supplier's value or failure gives this future up.
     *
     * @param supplier what produces the value
     * @param executor where it runs
     * @return this future
     */
    @Override
    public AsyncFuture<T> completeAsync(Supplier<? extends T> supplier, Executor executor) {
        Objects.requireNonNull(supplier, "supplier");
        Objects.requireNonNull(executor, "executor");
        executor.execute(() -> {
            T value;
            try {
                value = supplier.get();
            } catch (Throwable t) {
                completeExceptionally(t);
                return;
            }
            complete(value);
        });
        return this;
    }

    /**
     * As {@link #completeAsync(Supplier, Executor)} in the default executor.
     *
     * @param supplier what produces the value
     * @return this future
     */
    @Override
    public AsyncFuture<T> completeAsync(Supplier<? extends T> supplier) {
        return completeAsync(supplier, defaultExecutor());
    }

    /**
     * As {@link CompletableFuture#orTimeout}: if this future is still pending after the timeout, it is given up and
     * fails with a {@link java.util.concurrent.TimeoutException} (see {@link #completeExceptionally}), on the JDK's
     * delay thread: the operation in flight is released first, so nothing it held is lost.
     *
     * @param timeout how long to wait, in units of {@code unit}
     * @param unit    the unit of {@code timeout}
     * @return this future
     */
    @Override
    public AsyncFuture<T> orTimeout(long timeout, TimeUnit unit) {
        super.orTimeout(timeout, unit);
        return this;
    }

    /**
     * As {@link CompletableFuture#completeOnTimeout}: if this future is still pending after the timeout, it is given
     * up and completes with {@code value} (see {@link #complete}), on the JDK's delay thread.
     *
     * @param value   the value to complete with
     * @param timeout how long to wait, in units of {@code unit}
     * @param unit    the unit of {@code timeout}
     * @return this future
     */
    @Override
    public AsyncFuture<T> completeOnTimeout(T value, long timeout, TimeUnit unit) {
        super.completeOnTimeout(value, timeout, unit);
        return this;
    }

    private boolean completeFromOutside(T value, Throwable failure) {
        if (isDone()) {
            return false;
        }
        Throwable[] actionFailure = {null};
        if (!releaseUpstream(actionFailure)) {
            rethrow(actionFailure[0]);
            return false;
        }
        int claim = claimGate(true, actionFailure);
        // An operation's future released by another give-up is completed by that one.
        boolean won = claim != REFUSED && (claim == CLAIMED || source != null)
                && (failure == null ? super.complete(value) : super.completeExceptionally(failure));
        if (claim != REFUSED) {
            finishUpstream();
        }
        rethrow(actionFailure[0]);
        return won;
    }

    private static final int REFUSED = 0;
    private static final int CLAIMED = 1;
    private static final int ALREADY_RELEASED = 2;

    /**
     * Reads the gate, waiting while another thread's give-up runs this future's actions (a few instructions of
     * bookkeeping each): nobody completes a future, or goes on past it, before its operation has let go. The thread
     * running them reads {@link #RELEASED}.
     */
    private Object gate() {
        for (;;) {
            Object head = ACTIONS.getVolatile(this);
            if (!(head instanceof Releasing)) {
                return head;
            }
            if (((Releasing) head).thread == Thread.currentThread()) {
                return RELEASED;
            }
            Thread.onSpinWait();
        }
    }

    /**
     * Claims the gate for a give-up, {@code completing} this future from outside or releasing it with a
     * cancellation, and runs the actions it held (a task's cancel request, for a release: the request may run
     * again). Returns {@link #CLAIMED}, {@link #ALREADY_RELEASED} if another give-up released it first, or
     * {@link #REFUSED} if the operation settled it or it is being completed from outside, after completing what this
     * give-up released upstream. An action's failure goes to {@code failure}, to be rethrown once all is done.
     */
    private int claimGate(boolean completing, Throwable[] failure) {
        for (;;) {
            Object head = gate();
            if (head == SETTLED || head == COMPLETING) {
                finishUpstream();
                return REFUSED;
            }
            if (head == RELEASED) {
                return ALREADY_RELEASED;
            }
            if (head instanceof TaskCancel && !completing) {
                collect(failure, runActions(head));
                return ALREADY_RELEASED;
            }
            Object mark = completing ? COMPLETING : new Releasing();
            if (ACTIONS.compareAndSet(this, head, mark)) {
                collect(failure, runActions(head));
                if (!completing) {
                    ACTIONS.setVolatile(this, RELEASED);
                }
                return CLAIMED;
            }
        }
    }

    private static void collect(Throwable[] failure, Throwable t) {
        if (t == null) {
            return;
        }
        if (failure[0] == null) {
            failure[0] = t;
        } else if (failure[0] != t) {
            failure[0].addSuppressed(t);
        }
    }

    /**
     * Releases the stage in flight above this one, without completing anything: walks up the sources while they
     * are pending, then into the stage a compose function returned, to the operation in flight, whose gate is the
     * single point of decision (this release or the operation's settle claims it first); then claims the gates of
     * the stages in between, from the top down, running their actions. Returns {@code false} if there is nothing to
     * release because a value is on its way (a source completed and this stage, or one in between, is being
     * completed from it, or a compose function holds it) or the operation settled first. Iterative: a chain of
     * thousands of stages does not grow the stack.
     */
    private boolean releaseUpstream(Throwable[] failure) {
        List<AsyncFuture<?>> way = null;      // the stages above this one, nearest first
        List<AsyncFuture<?>> leftBySource = null;   // compose dependents whose pending source the way went through
        AsyncFuture<?> cur = this;
        boolean open;
        for (;;) {
            CompletableFuture<?> s = cur.source;
            Inner<?, ?> in = cur.innerAcquire();
            AsyncFuture<?> next;
            if (in != null && in.eitherDelivered(s)) {
                open = false;                     // one of its two sources completed: its outcome is on its way
                break;
            }
            if (s != null && !s.isDone()) {
                if (in != null && in.composes()) {
                    if (leftBySource == null) {
                        leftBySource = new ArrayList<>(2);
                    }
                    leftBySource.add(cur);
                }
                if (!(s instanceof AsyncFuture)) {
                    open = true;                  // a foreign source: finishUpstream cancels it
                    break;
                }
                next = (AsyncFuture<?>) s;
            } else if (in == Inner.BOTH) {
                open = true;                      // the other source is pending: it is not ours to release
                break;
            } else if (in != null) {              // a compose dependent whose source has completed
                Object st = in.stage;
                if (st instanceof AsyncFuture) {
                    next = (AsyncFuture<?>) st;
                } else if (st instanceof CompletionStage) {
                    open = !(st instanceof CompletableFuture) || !((CompletableFuture<?>) st).isDone();
                    break;
                } else {
                    open = in.cancelOnArrivalWhileHandling(s);
                    break;
                }
            } else {
                open = s == null;                 // an operation's future, whose gate decides; else a value on its way
                break;
            }
            if (next.isDone()) {
                open = false;
                break;
            }
            if (way == null) {
                way = new ArrayList<>(4);
            }
            way.add(next);
            cur = next;
        }
        if (!open) {
            return false;
        }
        if (way != null) {
            for (int i = way.size() - 1; i >= 0; i--) {
                AsyncFuture<?> f = way.get(i);
                if (f.isDone() || f.claimGate(false, failure) == REFUSED) {
                    return false;
                }
            }
        }
        if (leftBySource != null) {
            for (AsyncFuture<?> f : leftBySource) {
                f.innerAcquire().sourceReleased();
            }
        }
        return true;
    }

    private Inner<?, ?> innerAcquire() {
        return (Inner<?, ?>) INNER.getAcquire(this);
    }

    private boolean twoSources() {
        Inner<?, ?> in = innerAcquire();
        return in != null && in.twoSources();
    }

    /**
     * After this future was given up: completes the operation released above it with a cancellation, which then
     * flows down through the stages in between, or cancels the foreign stage in flight; then completes the
     * two-source stages on the way ({@code thenCombine}, which would otherwise wait for their other source, and
     * {@code applyToEither}, whose async forms would otherwise complete only in their executor).
     */
    private void finishUpstream() {
        List<AsyncFuture<?>> both = null;
        AsyncFuture<?> cur = this;
        for (;;) {
            CompletableFuture<?> s = cur.source;
            Inner<?, ?> in = cur.innerAcquire();
            CompletionStage<?> next;
            if (s != null && !s.isDone()) {
                next = s;
            } else {
                Object st = in == null ? null : in.stage;
                next = st instanceof CompletionStage ? (CompletionStage<?>) st : null;
            }
            if (cur != this && in != null && in.twoSources()) {
                if (both == null) {
                    both = new ArrayList<>(2);
                }
                both.add(cur);
            }
            if (next == null) {
                break;
            }
            if (!(next instanceof AsyncFuture)) {
                cancelQuietly(next);
                break;
            }
            AsyncFuture<?> f = (AsyncFuture<?>) next;
            if (f.isDone()) {
                break;
            }
            cur = f;
        }
        if (cur != this && !cur.isDone() && cur.source == null && cur.gate() == RELEASED) {
            cur.completeCancelled();
        }
        if (both != null) {
            for (int i = both.size() - 1; i >= 0; i--) {
                both.get(i).completeCancelled();
            }
        }
    }

    private void completeCancelled() {
        super.completeExceptionally(new CancellationException());
    }

    /**
     * Cancels this future and, through it, the operation in flight.
     *
     * <p>First the operation in flight is released (see the class documentation): the source chain is walked up to
     * the stage in flight, whose cancellation actions run, as do this future's own. Then the cancellation flows
     * down through the stages in between, innermost first, so their {@code whenComplete}/{@code handle} cleanup runs
     * with the {@code CancellationException}, as asyncio unwinds {@code finally} blocks. This future then completes:
     * with a plain {@link CancellationException}, so that {@link #isCancelled()} holds; or, if a stage in between
     * recovered with a value, with that value (the cancellation was suppressed, as an asyncio task that catches
     * {@code CancelledError}), and this method returns {@code false}; or later, if a stage in between started
     * asynchronous cleanup ({@code exceptionallyCompose}), once that cleanup has settled — this method then returns
     * {@code true} with this future still pending, and cancelling again cancels the cleanup.
     *
     * <p>A stage whose operation has already delivered its value is not cancelled (its value is on its way): this
     * method returns {@code false}. If another thread is giving this future up at the same moment, this call waits
     * for that one's cancellation actions and leaves the completion to it.
     *
     * @param mayInterruptIfRunning passed on to foreign stages; asyncio4j's own operations ignore it
     * @return whether this future is now cancelled or its cancellation is under way
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        if (isDone()) {
            return isCancelled();
        }
        Object head = gate();
        if (head == SETTLED || head == COMPLETING) {
            return false;
        }
        if (head instanceof TaskCancel) {
            ((TaskCancel) head).request();
            return !isDone() || isCancelled();
        }
        Throwable[] actionFailure = {null};
        if (!releaseUpstream(actionFailure)) {
            rethrow(actionFailure[0]);
            return false;
        }
        int claim = claimGate(false, actionFailure);
        if (claim == REFUSED) {
            rethrow(actionFailure[0]);
            return false;
        }
        finishUpstream();
        if (claim == CLAIMED && !isDone() && (source == null || twoSources())) {
            // Nothing flows into an operation's future, nor into a stage still waiting for its other source.
            completeCancelled();
        }
        boolean cancelled;
        if (isDone()) {
            if (isCompletedExceptionally() && !isCancelled() && causedByCancellation()) {
                super.obtrudeException(new CancellationException());
            }
            cancelled = isCancelled();
        } else {
            cancelled = true; // cleanup in between, or another give-up that completes it
        }
        rethrow(actionFailure[0]);
        return cancelled;
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

    /** Runs the actions claimed from the gate, newest first; returns the first failure, the others suppressed. */
    private static Throwable runActions(Object a) {
        Throwable first = null;
        while (a != null) {
            Runnable run;
            if (a instanceof Action) {
                run = ((Action) a).run;
                a = ((Action) a).next;
            } else if (a instanceof TaskCancel) {
                run = ((TaskCancel) a)::request; // a task's future completed from outside: one request
                a = null;
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
        return first;
    }

    private static void rethrow(Throwable first) {
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
     * Returns a new incomplete {@code AsyncFuture} whose giving up gives up this one; every
     * {@code CompletionStage} method creates its dependents here.
     */
    @Override
    public <U> AsyncFuture<U> newIncompleteFuture() {
        // A dependent of a completed future holds no link to it: chains built on completed tails stay short.
        return new AsyncFuture<>(isDone() ? SOURCE_DONE : this);
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
     * Returns a defensive copy, as {@link CompletableFuture#copy()} promises: a future completed with this one's
     * value, or with a {@link CompletionException} holding its failure, that others may complete or cancel without
     * giving this future up (unlike a dependent stage, whose give-up reaches its source).
     *
     * @return a new future relaying this one's outcome; its dependents run on the thread that completes this one
     */
    @Override
    public AsyncFuture<T> copy() {
        AsyncFuture<T> copy = new AsyncFuture<>();
        addDoneCallback((value, failure) -> {
            if (failure == null) {
                copy.settle(value);
            } else {
                copy.settleExceptionally(failure instanceof CompletionException ? failure
                        : new CompletionException(failure));
            }
        });
        return copy;
    }

    /** Returns this future. */
    @Override
    public AsyncFuture<T> toCompletableFuture() {
        return this;
    }

    // Every CompletionStage method returns an AsyncFuture, so pipelines keep the type and its give-up. The
    // one-source stages are plain casts: the JDK creates their dependent with newIncompleteFuture().

    /** As {@link CompletableFuture#thenApply}; giving the result up gives this future up. */
    @Override
    public <U> AsyncFuture<U> thenApply(Function<? super T, ? extends U> fn) {
        return (AsyncFuture<U>) super.thenApply(fn);
    }

    /** As {@link #thenApply}, running {@code fn} in the default executor. */
    @Override
    public <U> AsyncFuture<U> thenApplyAsync(Function<? super T, ? extends U> fn) {
        return (AsyncFuture<U>) super.thenApplyAsync(fn);
    }

    /** As {@link #thenApply}, running {@code fn} in {@code executor}. */
    @Override
    public <U> AsyncFuture<U> thenApplyAsync(Function<? super T, ? extends U> fn, Executor executor) {
        return (AsyncFuture<U>) super.thenApplyAsync(fn, executor);
    }

    /** As {@link CompletableFuture#thenAccept}; giving the result up gives this future up. */
    @Override
    public AsyncFuture<Void> thenAccept(Consumer<? super T> action) {
        return (AsyncFuture<Void>) super.thenAccept(action);
    }

    /** As {@link #thenAccept}, running {@code action} in the default executor. */
    @Override
    public AsyncFuture<Void> thenAcceptAsync(Consumer<? super T> action) {
        return (AsyncFuture<Void>) super.thenAcceptAsync(action);
    }

    /** As {@link #thenAccept}, running {@code action} in {@code executor}. */
    @Override
    public AsyncFuture<Void> thenAcceptAsync(Consumer<? super T> action, Executor executor) {
        return (AsyncFuture<Void>) super.thenAcceptAsync(action, executor);
    }

    /** As {@link CompletableFuture#thenRun}; giving the result up gives this future up. */
    @Override
    public AsyncFuture<Void> thenRun(Runnable action) {
        return (AsyncFuture<Void>) super.thenRun(action);
    }

    /** As {@link #thenRun}, running {@code action} in the default executor. */
    @Override
    public AsyncFuture<Void> thenRunAsync(Runnable action) {
        return (AsyncFuture<Void>) super.thenRunAsync(action);
    }

    /** As {@link #thenRun}, running {@code action} in {@code executor}. */
    @Override
    public AsyncFuture<Void> thenRunAsync(Runnable action, Executor executor) {
        return (AsyncFuture<Void>) super.thenRunAsync(action, executor);
    }

    /**
     * As {@link CompletableFuture#thenCombine}; giving the result up gives up this future (not {@code other}) and
     * completes the result, even though {@code other} is still pending; a value this future delivered to it is then
     * dropped.
     */
    @Override
    public <U, V> AsyncFuture<V> thenCombine(CompletionStage<? extends U> other,
                                            BiFunction<? super T, ? super U, ? extends V> fn) {
        return ((AsyncFuture<V>) super.thenCombine(other, fn)).withInner(Inner.BOTH);
    }

    /** As {@link #thenCombine}, running {@code fn} in the default executor. */
    @Override
    public <U, V> AsyncFuture<V> thenCombineAsync(CompletionStage<? extends U> other,
                                                 BiFunction<? super T, ? super U, ? extends V> fn) {
        return ((AsyncFuture<V>) super.thenCombineAsync(other, fn)).withInner(Inner.BOTH);
    }

    /** As {@link #thenCombine}, running {@code fn} in {@code executor}. */
    @Override
    public <U, V> AsyncFuture<V> thenCombineAsync(CompletionStage<? extends U> other,
                                                 BiFunction<? super T, ? super U, ? extends V> fn,
                                                 Executor executor) {
        return ((AsyncFuture<V>) super.thenCombineAsync(other, fn, executor)).withInner(Inner.BOTH);
    }

    /** As {@link CompletableFuture#thenAcceptBoth}; given up as {@link #thenCombine}. */
    @Override
    public <U> AsyncFuture<Void> thenAcceptBoth(CompletionStage<? extends U> other,
                                               BiConsumer<? super T, ? super U> action) {
        return ((AsyncFuture<Void>) super.thenAcceptBoth(other, action)).withInner(Inner.BOTH);
    }

    /** As {@link #thenAcceptBoth}, running {@code action} in the default executor. */
    @Override
    public <U> AsyncFuture<Void> thenAcceptBothAsync(CompletionStage<? extends U> other,
                                                    BiConsumer<? super T, ? super U> action) {
        return ((AsyncFuture<Void>) super.thenAcceptBothAsync(other, action)).withInner(Inner.BOTH);
    }

    /** As {@link #thenAcceptBoth}, running {@code action} in {@code executor}. */
    @Override
    public <U> AsyncFuture<Void> thenAcceptBothAsync(CompletionStage<? extends U> other,
                                                    BiConsumer<? super T, ? super U> action, Executor executor) {
        return ((AsyncFuture<Void>) super.thenAcceptBothAsync(other, action, executor)).withInner(Inner.BOTH);
    }

    /** As {@link CompletableFuture#runAfterBoth}; given up as {@link #thenCombine}. */
    @Override
    public AsyncFuture<Void> runAfterBoth(CompletionStage<?> other, Runnable action) {
        return ((AsyncFuture<Void>) super.runAfterBoth(other, action)).withInner(Inner.BOTH);
    }

    /** As {@link #runAfterBoth}, running {@code action} in the default executor. */
    @Override
    public AsyncFuture<Void> runAfterBothAsync(CompletionStage<?> other, Runnable action) {
        return ((AsyncFuture<Void>) super.runAfterBothAsync(other, action)).withInner(Inner.BOTH);
    }

    /** As {@link #runAfterBoth}, running {@code action} in {@code executor}. */
    @Override
    public AsyncFuture<Void> runAfterBothAsync(CompletionStage<?> other, Runnable action, Executor executor) {
        return ((AsyncFuture<Void>) super.runAfterBothAsync(other, action, executor)).withInner(Inner.BOTH);
    }

    /**
     * As {@link CompletableFuture#applyToEither}. While both sources are pending, giving the result up gives up
     * this future (not {@code other}) and completes the result at once, as for {@link #thenCombine}; once either
     * source has completed, its outcome is on its way to the result, which can no longer be given up.
     */
    @Override
    public <U> AsyncFuture<U> applyToEither(CompletionStage<? extends T> other, Function<? super T, U> fn) {
        AsyncFuture<? extends T> o = of(other);
        return ((AsyncFuture<U>) super.applyToEither(o, fn)).withInner(new Inner<>(o));
    }

    /** As {@link #applyToEither}, running {@code fn} in the default executor. */
    @Override
    public <U> AsyncFuture<U> applyToEitherAsync(CompletionStage<? extends T> other, Function<? super T, U> fn) {
        AsyncFuture<? extends T> o = of(other);
        return ((AsyncFuture<U>) super.applyToEitherAsync(o, fn)).withInner(new Inner<>(o));
    }

    /** As {@link #applyToEither}, running {@code fn} in {@code executor}. */
    @Override
    public <U> AsyncFuture<U> applyToEitherAsync(CompletionStage<? extends T> other, Function<? super T, U> fn,
                                                Executor executor) {
        AsyncFuture<? extends T> o = of(other);
        return ((AsyncFuture<U>) super.applyToEitherAsync(o, fn, executor)).withInner(new Inner<>(o));
    }

    /** As {@link CompletableFuture#acceptEither}; given up as {@link #applyToEither}. */
    @Override
    public AsyncFuture<Void> acceptEither(CompletionStage<? extends T> other, Consumer<? super T> action) {
        AsyncFuture<? extends T> o = of(other);
        return ((AsyncFuture<Void>) super.acceptEither(o, action)).withInner(new Inner<>(o));
    }

    /** As {@link #acceptEither}, running {@code action} in the default executor. */
    @Override
    public AsyncFuture<Void> acceptEitherAsync(CompletionStage<? extends T> other, Consumer<? super T> action) {
        AsyncFuture<? extends T> o = of(other);
        return ((AsyncFuture<Void>) super.acceptEitherAsync(o, action)).withInner(new Inner<>(o));
    }

    /** As {@link #acceptEither}, running {@code action} in {@code executor}. */
    @Override
    public AsyncFuture<Void> acceptEitherAsync(CompletionStage<? extends T> other, Consumer<? super T> action,
                                               Executor executor) {
        AsyncFuture<? extends T> o = of(other);
        return ((AsyncFuture<Void>) super.acceptEitherAsync(o, action, executor)).withInner(new Inner<>(o));
    }

    /** As {@link CompletableFuture#runAfterEither}; given up as {@link #applyToEither}. */
    @Override
    public AsyncFuture<Void> runAfterEither(CompletionStage<?> other, Runnable action) {
        AsyncFuture<?> o = of(other);
        return ((AsyncFuture<Void>) super.runAfterEither(o, action)).withInner(new Inner<>(o));
    }

    /** As {@link #runAfterEither}, running {@code action} in the default executor. */
    @Override
    public AsyncFuture<Void> runAfterEitherAsync(CompletionStage<?> other, Runnable action) {
        AsyncFuture<?> o = of(other);
        return ((AsyncFuture<Void>) super.runAfterEitherAsync(o, action)).withInner(new Inner<>(o));
    }

    /** As {@link #runAfterEither}, running {@code action} in {@code executor}. */
    @Override
    public AsyncFuture<Void> runAfterEitherAsync(CompletionStage<?> other, Runnable action, Executor executor) {
        AsyncFuture<?> o = of(other);
        return ((AsyncFuture<Void>) super.runAfterEitherAsync(o, action, executor)).withInner(new Inner<>(o));
    }

    /** As {@link CompletableFuture#handle}; giving the result up gives this future up. */
    @Override
    public <U> AsyncFuture<U> handle(BiFunction<? super T, Throwable, ? extends U> fn) {
        return (AsyncFuture<U>) super.handle(fn);
    }

    /**
     * As {@link #handle}, running {@code fn} in the default executor; giving the result up gives this future up,
     * and the result completes once {@code fn} has run with the cancellation.
     */
    @Override
    public <U> AsyncFuture<U> handleAsync(BiFunction<? super T, Throwable, ? extends U> fn) {
        return (AsyncFuture<U>) super.handleAsync(fn);
    }

    /** As {@link #handleAsync(BiFunction)}, running {@code fn} in {@code executor}. */
    @Override
    public <U> AsyncFuture<U> handleAsync(BiFunction<? super T, Throwable, ? extends U> fn, Executor executor) {
        return (AsyncFuture<U>) super.handleAsync(fn, executor);
    }

    /** As {@link CompletableFuture#whenComplete}; giving the result up gives this future up. */
    @Override
    public AsyncFuture<T> whenComplete(BiConsumer<? super T, ? super Throwable> action) {
        return (AsyncFuture<T>) super.whenComplete(action);
    }

    /**
     * As {@link #whenComplete}, running {@code action} in the default executor; giving the result up gives this
     * future up, and the result completes once {@code action} has run with the cancellation.
     */
    @Override
    public AsyncFuture<T> whenCompleteAsync(BiConsumer<? super T, ? super Throwable> action) {
        return (AsyncFuture<T>) super.whenCompleteAsync(action);
    }

    /** As {@link #whenCompleteAsync(BiConsumer)}, running {@code action} in {@code executor}. */
    @Override
    public AsyncFuture<T> whenCompleteAsync(BiConsumer<? super T, ? super Throwable> action, Executor executor) {
        return (AsyncFuture<T>) super.whenCompleteAsync(action, executor);
    }

    /** As {@link CompletableFuture#exceptionally}; giving the result up gives this future up. */
    @Override
    public AsyncFuture<T> exceptionally(Function<Throwable, ? extends T> fn) {
        return (AsyncFuture<T>) super.exceptionally(fn);
    }

    /**
     * As {@link #exceptionally}, running {@code fn} in the default executor; giving the result up gives this future
     * up, and the result completes once {@code fn} has run with the cancellation.
     */
    @Override
    public AsyncFuture<T> exceptionallyAsync(Function<Throwable, ? extends T> fn) {
        return (AsyncFuture<T>) super.exceptionallyAsync(fn);
    }

    /** As {@link #exceptionallyAsync(Function)}, running {@code fn} in {@code executor}. */
    @Override
    public AsyncFuture<T> exceptionallyAsync(Function<Throwable, ? extends T> fn, Executor executor) {
        return (AsyncFuture<T>) super.exceptionallyAsync(fn, executor);
    }

    /**
     * Records the function of a compose, or the sources of a two-source stage, on the dependent it has just created:
     * until it is returned no other thread can see it, so a release store does; one already complete needs none.
     */
    private <U> AsyncFuture<U> withInner(Inner<?, ?> in) {
        if (!isDone()) {
            if (in.composes()) {
                in.dependent = this;
            }
            INNER.setRelease(this, in);
        }
        @SuppressWarnings("unchecked")
        AsyncFuture<U> self = (AsyncFuture<U>) this;
        return self;
    }

    /**
     * As {@link CompletableFuture#thenCompose}; cancelling the result cancels this future and, once {@code fn}
     * has run, the stage it returned.
     */
    @Override
    public <U> AsyncFuture<U> thenCompose(Function<? super T, ? extends CompletionStage<U>> fn) {
        Inner<T, CompletionStage<U>> inner = new Inner<>(fn, true);
        AsyncFuture<U> d = (AsyncFuture<U>) super.thenCompose(inner);
        return d.withInner(inner);
    }

    /** As {@link #thenCompose}, running {@code fn} asynchronously in the default executor. */
    @Override
    public <U> AsyncFuture<U> thenComposeAsync(Function<? super T, ? extends CompletionStage<U>> fn) {
        Inner<T, CompletionStage<U>> inner = new Inner<>(fn, true);
        AsyncFuture<U> d = (AsyncFuture<U>) super.thenComposeAsync(inner);
        return d.withInner(inner);
    }

    /** As {@link #thenCompose}, running {@code fn} in {@code executor}. */
    @Override
    public <U> AsyncFuture<U> thenComposeAsync(Function<? super T, ? extends CompletionStage<U>> fn,
                                               Executor executor) {
        Inner<T, CompletionStage<U>> inner = new Inner<>(fn, true);
        AsyncFuture<U> d = (AsyncFuture<U>) super.thenComposeAsync(inner, executor);
        return d.withInner(inner);
    }

    /**
     * As {@link CompletableFuture#exceptionallyCompose}; cancelling the result cancels this future and, once
     * {@code fn} has run, the stage it returned. A stage {@code fn} starts on this future's cancellation (cleanup)
     * is not cancelled by that same cancellation: the cancelled result waits for it (see {@link #cancel}).
     */
    @Override
    public AsyncFuture<T> exceptionallyCompose(Function<Throwable, ? extends CompletionStage<T>> fn) {
        Inner<Throwable, CompletionStage<T>> inner = new Inner<>(fn, false);
        AsyncFuture<T> d = (AsyncFuture<T>) super.exceptionallyCompose(inner);
        return d.withInner(inner);
    }

    /** As {@link #exceptionallyCompose}, running {@code fn} asynchronously in the default executor. */
    @Override
    public AsyncFuture<T> exceptionallyComposeAsync(Function<Throwable, ? extends CompletionStage<T>> fn) {
        Inner<Throwable, CompletionStage<T>> inner = new Inner<>(fn, false);
        AsyncFuture<T> d = (AsyncFuture<T>) super.exceptionallyComposeAsync(inner);
        return d.withInner(inner);
    }

    /** As {@link #exceptionallyCompose}, running {@code fn} in {@code executor}. */
    @Override
    public AsyncFuture<T> exceptionallyComposeAsync(Function<Throwable, ? extends CompletionStage<T>> fn,
                                                    Executor executor) {
        Inner<Throwable, CompletionStage<T>> inner = new Inner<>(fn, false);
        AsyncFuture<T> d = (AsyncFuture<T>) super.exceptionallyComposeAsync(inner, executor);
        return d.withInner(inner);
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

    /** Marks the gate while the give-up that claimed it runs the actions, on {@link #thread}. */
    private static final class Releasing {
        final Thread thread = Thread.currentThread();
    }

    /**
     * The cancellation request of a {@link #forTask} future, kept in its gate until the task settles it: each
     * {@code cancel} runs it again.
     */
    private static final class TaskCancel {
        private final Runnable request;

        TaskCancel(Runnable request) {
            this.request = request;
        }

        void request() {
            request.run();
        }

        TaskCancel with(Runnable more) {
            Runnable first = request;
            return new TaskCancel(() -> {
                more.run();
                first.run();
            });
        }
    }

    /**
     * The function of a compose, and then the inner stage it returned: giving the dependent up releases that stage,
     * including when the give-up came first and the stage arrives afterwards.
     */
    private static final class Inner<A, S extends CompletionStage<?>> implements Function<A, S> {
        private static final Object CANCELLED = new Object();
        private static final VarHandle STAGE;

        static {
            try {
                STAGE = MethodHandles.lookup().findVarHandle(Inner.class, "stage", Object.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        /** Marks a dependent of two sources ({@code thenCombine}, ...): it has no function of ours to track. */
        static final Inner<Object, CompletionStage<?>> BOTH = new Inner<>((CompletableFuture<?>) null);

        private final Function<? super A, ? extends S> fn;
        /** For a dependent of either of two sources ({@code applyToEither}, ...): the other source. */
        private final CompletableFuture<?> other;
        /** The dependent this function belongs to; set before the dependent is published. */
        AsyncFuture<?> dependent;
        /**
         * Whether a stage the function returns after the source was released is cancelled on arrival: yes for
         * {@code thenCompose} (the work the pipeline was given up on), no for {@code exceptionallyCompose} (cleanup
         * started while handling the cancellation, which runs to completion).
         */
        private final boolean cancelOnArrival;
        /** {@code null}, the stage the function returned while it was pending, or {@link #CANCELLED}. */
        volatile Object stage;

        Inner(Function<? super A, ? extends S> fn, boolean cancelOnArrival) {
            this.fn = Objects.requireNonNull(fn, "fn");
            this.other = null;
            this.cancelOnArrival = cancelOnArrival;
        }

        /** A dependent of two sources: of both ({@code other} null) or of either. */
        Inner(CompletableFuture<?> other) {
            this.fn = null;
            this.other = other;
            this.cancelOnArrival = false;
        }

        /** Whether this tracks a compose function and the stage it returns. */
        boolean composes() {
            return fn != null;
        }

        /** Whether the dependent waits for two sources, or for either of them: it is given up on its own. */
        boolean twoSources() {
            return fn == null;
        }

        /**
         * For a dependent of either source: whether one of them has completed, so that its outcome is on its way to
         * the dependent, which can then no longer be given up. {@code source} is the dependent's own source.
         */
        boolean eitherDelivered(CompletableFuture<?> source) {
            return other != null && (source == null || source.isDone() || other.isDone());
        }

        @Override
        public S apply(A value) {
            AsyncFuture<?> d = dependent;
            if (d != null) {
                d.source = SOURCE_DONE; // the source has completed: let it go, the way is the returned stage now
            }
            S s = fn.apply(value);
            boolean done = s instanceof CompletableFuture && ((CompletableFuture<?>) s).isDone();
            if (s != null && !done && !STAGE.compareAndSet(this, null, s)) {
                cancelQuietly(s);
            }
            return s;
        }

        /** The source was released before the function ran: a stage it still returns is cancelled on arrival. */
        void sourceReleased() {
            if (cancelOnArrival) {
                STAGE.compareAndSet(this, null, CANCELLED);
            }
        }

        /**
         * The source has completed and the function has not returned a stage yet: while an
         * {@code exceptionallyCompose} function handles its source's failure, marks the stage it is about to return
         * for cancellation on arrival (a cancel reaches cleanup that is just starting) and returns {@code true}.
         * Returns {@code false} when an outcome is on its way instead: a {@code thenCompose} function holds the
         * source's value, or the source's value passes an {@code exceptionallyCompose} by.
         */
        boolean cancelOnArrivalWhileHandling(CompletableFuture<?> source) {
            for (;;) {
                Object s = stage;
                if (s != null) {
                    return false; // marked already, or a stage just arrived: the caller did not walk into it
                }
                if (cancelOnArrival || source == null || !source.isCompletedExceptionally()) {
                    return false;
                }
                if (STAGE.compareAndSet(this, null, CANCELLED)) {
                    return true;
                }
            }
        }
    }
}
