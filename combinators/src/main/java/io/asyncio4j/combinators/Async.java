package io.asyncio4j.combinators;

import io.asyncio4j.AsyncFuture;
import io.vavr.Tuple;
import io.vavr.Tuple2;
import io.vavr.Tuple3;
import io.vavr.Tuple4;
import io.vavr.Tuple5;
import io.vavr.Tuple6;
import io.vavr.Tuple7;
import io.vavr.Tuple8;
import io.vavr.control.Try;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * asyncio's task functions for {@link AsyncFuture}s: {@code sleep}, {@code shield}, {@code wait_for},
 * {@code timeout}, {@code gather}, {@code wait}, {@code as_completed}, {@code TaskGroup}, {@code call_soon} /
 * {@code call_later} / {@code call_at}, {@code run_in_executor}, plus {@code any}/{@code race}, {@code retry}
 * and stack-safe asynchronous loops. It is the static front, as Guava's {@code Futures} is: each method starts the
 * package-private class that does the work.
 *
 * <pre>{@code
 * // results = await asyncio.gather(fetch(a), fetch(b)); reply = await asyncio.wait_for(ask(q), 5)
 * AsyncFuture<List<Page>> pages = Async.gather(List.of(fetch(a), fetch(b)));
 * AsyncFuture<String> reply = Async.waitFor(ask(question), Duration.ofSeconds(5));
 * }</pre>
 * Every method may be imported statically but {@code wait}: call it qualified, {@code Async.wait(...)}, as Python
 * calls {@code asyncio.wait(...)} (see {@link #wait(Collection, ReturnWhen)}).
 *
 * <h2>Common rules</h2>
 * Unless a method says otherwise:
 * <ul>
 *   <li>A stage given to it may be any {@link CompletionStage}. An {@link AsyncFuture} or other
 *       {@link CompletableFuture} is used as is; another stage is seen through {@code toCompletableFuture()}
 *       (or adopted with {@link AsyncFuture#of} if it refuses). Cancelling a foreign stage is best effort: it
 *       calls {@code cancel(true)}, which completes a plain {@code CompletableFuture} but stops no work behind
 *       it.</li>
 *   <li>Failures reach the returned future unwrapped: never a {@link CompletionException} around the real
 *       one (see {@link #unwrap}).</li>
 *   <li>Cancelling the returned future cancels the stages it waits for that are still running (what
 *       "cancelling" means for each method is stated on it). {@link #waitFor}, {@link #timeout}/{@link #timeoutAt},
 *       {@link #taskGroup} and {@link #gather} then wait, as asyncio's do, until the stages they cancelled have
 *       settled, cleanup those stages start on the cancellation included ({@code exceptionallyCompose}, asyncio's
 *       {@code except CancelledError: await ...}); cancelling the returned future again cancels that cleanup.
 *       Cleanup that never ends keeps their future pending, as it keeps an asyncio task from finishing. The other
 *       methods complete at once with a {@link CancellationException}, and cleanup of the stages they cancelled
 *       runs to completion unobserved.</li>
 *   <li>Completing the returned future from outside ({@code complete}, {@code orTimeout}, ...) gives it up: it
 *       cancels the stages it waits for, as {@code cancel} does, and completes at once.</li>
 *   <li>Threads: the returned future completes on the thread that completes the stage it was waiting for, or on
 *       the calling thread if that stage was already complete, or, for a timeout or a delay, on the timer's
 *       callback executor, in the timer's lane: timer work runs one task at a time, in deadline order, as
 *       asyncio's timer callbacks do (see {@link AsyncTimer}). Nothing runs on a timer's own thread. A dependent
 *       action attached to the returned future without an executor runs on that same thread.</li>
 *   <li>A method taking no {@link AsyncTimer} uses {@link AsyncTimer#shared()}.</li>
 *   <li>{@code null} arguments are rejected with a {@link NullPointerException}, at the call.</li>
 * </ul>
 */
public final class Async {

    private Async() {
    }

    // ---------------------------------------------------------------------------------------------- sleep

    /**
     * Returns a future completed with {@code null} after {@code delay}, on the shared timer (asyncio
     * {@code sleep}); {@link AsyncTimer#sleep(Duration)} sleeps on another timer, an event loop's say.
     *
     * <pre>{@code
     * // await asyncio.sleep(0.1); print("later")
     * Async.sleep(Duration.ofMillis(100)).thenRun(() -> System.out.println("later"));
     * }</pre>
     *
     * @param delay how long to sleep
     * @return a future completed on the shared timer's callback executor; cancelling it removes the timer task
     */
    public static AsyncFuture<Void> sleep(Duration delay) {
        return AsyncTimer.shared().sleep(delay);
    }

    /**
     * Returns a future completed with {@code value} after {@code delay}, on the shared timer (asyncio
     * {@code sleep(delay, result)}); see {@link AsyncTimer#sleep(Duration, Object)}.
     *
     * @param delay how long to sleep
     * @param value the result
     * @param <T>   the result type
     * @return a future completed on the shared timer's callback executor; cancelling it removes the timer task
     */
    public static <T> AsyncFuture<T> sleep(Duration delay, T value) {
        return AsyncTimer.shared().sleep(delay, value);
    }

    // ---------------------------------------------------------------------------------------------- shield

    /**
     * Protects {@code stage} from cancellation (asyncio {@code shield}): the returned future completes as the
     * stage does, and cancelling it cancels only the returned future, never the stage.
     *
     * <p>If the stage itself is cancelled (by its owner), the returned future completes with its
     * {@link CancellationException}, as asyncio's does.
     *
     * <pre>{@code
     * // res = await asyncio.shield(save(doc)): a caller giving up does not stop the save
     * AsyncFuture<Receipt> receipt = Async.shield(save(doc));
     * }</pre>
     *
     * @param stage the stage to protect
     * @param <T>   the result type
     * @return a new future completed on the thread that completes the stage
     */
    public static <T> AsyncFuture<T> shield(CompletionStage<T> stage) {
        Objects.requireNonNull(stage, "stage");
        AsyncFuture<T> shielded = new AsyncFuture<>();
        Stages.relay(stage, shielded);
        return shielded;
    }

    // ---------------------------------------------------------------------------------------------- waitFor

    /**
     * Waits for {@code stage} at most {@code timeout} on the shared timer (asyncio {@code wait_for}); see
     * {@link #waitFor(CompletionStage, Duration, AsyncTimer)}, which also says when to pass an event loop's timer
     * instead.
     *
     * @param stage   the stage to wait for
     * @param timeout how long to wait
     * @param <T>     the result type
     * @return a future of the stage's outcome, or of a {@link TimeoutException}
     */
    public static <T> AsyncFuture<T> waitFor(CompletionStage<T> stage, Duration timeout) {
        return waitFor(stage, timeout, AsyncTimer.shared());
    }

    /**
     * Waits for {@code stage} at most {@code timeout} (asyncio {@code wait_for}).
     *
     * <pre>{@code
     * // line = await asyncio.wait_for(reader.readline(), timeout=5)
     * AsyncFuture<String> line = Async.waitFor(readLine(), Duration.ofSeconds(5), loop.timer());
     * }</pre>
     *
     * <ul>
     *   <li>If the stage completes in time, the result completes with its outcome and the timer task is removed
     *       from the timer at once.</li>
     *   <li>On timeout the stage is cancelled, and the result waits until the stage has settled, cleanup it starts on
     *       its cancellation included ({@code exceptionallyCompose}, asyncio's
     *       {@code except CancelledError: await cleanup(); raise}). Then, as CPython 3.12's {@code wait_for}: if the
     *       stage ended cancelled, the result fails with a {@link TimeoutException} whose cause is the stage's
     *       {@link CancellationException}; if it ended otherwise (its value or failure got there before the cancel,
     *       or its cleanup recovered with a value or failed with another exception), the result completes with
     *       that outcome, and nothing is lost.</li>
     *   <li>Cleanup that never ends keeps the result pending, as in asyncio. Cancelling the result then (from an
     *       enclosing {@code waitFor} or timeout scope, say) cancels the cleanup in flight, and the result fails
     *       with the stage's {@link CancellationException}, not a timeout.</li>
     *   <li>A zero or negative timeout cancels a stage that is not already complete at once, on the calling
     *       thread, without using the timer (asyncio's {@code timeout <= 0}).</li>
     *   <li>Cancelling the result before the timeout cancels the stage (as cancelling a stage derived from it
     *       would) and waits for it the same way; the result is then cancelled, or completes with the value the
     *       stage recovered with. The timer task is removed once the stage has completed, and cancels nothing if
     *       it fires before.</li>
     *   <li>Completing the result from outside ({@code complete}, {@code orTimeout}, ...) cancels the stage and
     *       completes the result at once; the stage's cleanup runs on unobserved.</li>
     * </ul>
     *
     * <p><b>Which timer.</b> For a stage made of an event loop's operations (a read, a connect, a request over
     * the loop's connections), pass the loop's own timer, {@code loop.timer()} in the NIO.2 adapter: the timeout
     * then runs on the loop's worker threads, in one deadline order with the loop's connect and idle timeouts and
     * its other timers, and it stops with the loop, as asyncio's {@code wait_for} uses the running loop. Use
     * {@link AsyncTimer#shared()}, the default, for a stage that no loop runs (a queue, a lock, work on an
     * executor) and wherever there is no loop to hand: it has its own daemon threads and is never closed. Once a
     * loop is closed its timer refuses new waits, and a timeout still pending on it never fires, so a stage that the
     * loop's closing does not end (a {@code get} on a queue, say) must not be timed by a loop that may close first.
     * Timers keep their order only among their own tasks: timeouts that must expire in deadline order with each
     * other belong on one timer.
     *
     * @param stage   the stage to wait for
     * @param timeout how long to wait
     * @param timer   the timer to use: an event loop's own for its operations, else {@link AsyncTimer#shared()}
     * @param <T>     the result type
     * @return a future of the stage's outcome, completed on the thread completing the stage (after a timeout,
     *         the timer's callback executor if the stage completes within the cancel, else the thread that ends
     *         its cleanup)
     * @throws RejectedExecutionException if the timer is closed
     */
    public static <T> AsyncFuture<T> waitFor(CompletionStage<T> stage, Duration timeout, AsyncTimer timer) {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(timer, "timer");
        return WaitFor.start(AsyncFuture.of(stage), timeout, timer);
    }

    // ---------------------------------------------------------------------------------------------- timeout

    /**
     * Runs {@code body} under a deadline {@code delay} from now, on the shared timer (asyncio
     * {@code async with asyncio.timeout(delay)}); see {@link #timeoutAt(long, Function, AsyncTimer)}.
     *
     * @param delay the deadline, from now
     * @param body  starts the work; it may move the deadline through the {@link Timeout} it is given
     * @param <T>   the result type
     * @return a future of the body's outcome, or of a {@link TimeoutException}
     */
    public static <T> AsyncFuture<T> timeout(Duration delay,
                                             Function<? super Timeout, ? extends CompletionStage<T>> body) {
        return timeout(delay, body, AsyncTimer.shared());
    }

    /**
     * Runs {@code body} under a deadline {@code delay} from now (asyncio {@code asyncio.timeout(delay)}); see
     * {@link #timeoutAt(long, Function, AsyncTimer)}.
     *
     * @param delay the deadline, from now; zero or negative expires at once
     * @param body  starts the work; it may move the deadline through the {@link Timeout} it is given
     * @param timer the timer to use
     * @param <T>   the result type
     * @return a future of the body's outcome, or of a {@link TimeoutException}
     */
    public static <T> AsyncFuture<T> timeout(Duration delay,
                                             Function<? super Timeout, ? extends CompletionStage<T>> body,
                                             AsyncTimer timer) {
        Objects.requireNonNull(timer, "timer");
        return timeoutAt(timer.nanoTime() + AsyncTimer.saturatedNanos(delay), body, timer);
    }

    /**
     * Runs {@code body} under the deadline {@code deadlineNanos}, on the shared timer (asyncio
     * {@code asyncio.timeout_at(when)}); see {@link #timeoutAt(long, Function, AsyncTimer)}.
     *
     * @param deadlineNanos the deadline on the {@link AsyncTimer#nanoTime()} clock
     * @param body          starts the work
     * @param <T>           the result type
     * @return a future of the body's outcome, or of a {@link TimeoutException}
     */
    public static <T> AsyncFuture<T> timeoutAt(long deadlineNanos,
                                               Function<? super Timeout, ? extends CompletionStage<T>> body) {
        return timeoutAt(deadlineNanos, body, AsyncTimer.shared());
    }

    /**
     * Runs {@code body} under the deadline {@code deadlineNanos} (asyncio {@code asyncio.timeout_at(when)}), a
     * deadline scope that the body can move while it runs.
     *
     * <pre>{@code
     * // async with asyncio.timeout(10) as cm: await login(); cm.reschedule(loop.time() + 60); await sync()
     * AsyncFuture<Void> session = Async.timeout(Duration.ofSeconds(10), scope -> login().thenCompose(user -> {
     *     scope.reschedule(Duration.ofSeconds(60));
     *     return sync(user);
     * }));
     * }</pre>
     *
     * <ul>
     *   <li>{@code body} is called at once, on the calling thread, with the scope's {@link Timeout}; the deadline
     *       is already armed. If it throws, the result fails with that exception.</li>
     *   <li>If the body's stage completes before the deadline, the result completes with its outcome and the
     *       timer task is removed.</li>
     *   <li>When the deadline passes, the body's stage is cancelled, which cancels the stage in flight inside it
     *       (an I/O operation, a sleep, an inner pipeline) unless it is shielded. The result waits until the body's
     *       stage has settled, cleanup it starts on the cancellation included; then it fails with a
     *       {@link TimeoutException} whose cause is the body's {@link CancellationException}, as asyncio's
     *       {@code __aexit__} raises {@code TimeoutError}. An outcome that beat the cancel, or that the body's
     *       cleanup recovered with, is kept instead.</li>
     *   <li>Cleanup that never ends keeps the result pending, as in asyncio. Cancelling the result then cancels
     *       the cleanup in flight, and the result fails with the body's {@code CancellationException}.</li>
     *   <li>Nested scopes: only the scope whose deadline passed reports a {@code TimeoutException}; an inner scope
     *       cancelled by an outer one reports a {@code CancellationException}.</li>
     *   <li>Cancelling the result removes the deadline and cancels the body's stage, then waits for it the same
     *       way; {@link Timeout#expired()} stays {@code false}. Every further cancel cancels the body's stage
     *       again. Completing the result from outside ({@code complete}, {@code orTimeout}, ...) cancels the
     *       body's stage and completes the result at once.</li>
     * </ul>
     *
     * @param deadlineNanos the deadline on the {@link AsyncTimer#nanoTime()} clock
     * @param body          starts the work and returns its stage; it must not return {@code null}
     * @param timer         the timer to use
     * @param <T>           the result type
     * @return a future completed on the thread completing the body's stage (after the deadline, the timer's
     *         callback executor if the body completes within the cancel, else the thread that ends its cleanup)
     * @throws RejectedExecutionException if the timer is closed
     */
    public static <T> AsyncFuture<T> timeoutAt(long deadlineNanos,
                                               Function<? super Timeout, ? extends CompletionStage<T>> body,
                                               AsyncTimer timer) {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(timer, "timer");
        return Timeout.start(deadlineNanos, body, timer);
    }

    // ---------------------------------------------------------------------------------------------- gather

    /**
     * Waits for every stage and collects their values in argument order (asyncio {@code gather(*aws)}).
     *
     * <pre>{@code
     * // sizes = await asyncio.gather(*(size(u) for u in urls))
     * AsyncFuture<List<Long>> sizes = Async.gather(urls.stream().map(u -> size(u)).toList());
     * // user, orders = await asyncio.gather(user(id), orders(id))
     * AsyncFuture<Tuple2<User, List<Order>>> both = Async.gather(user(id), orders(id));
     * }</pre>
     *
     * <ul>
     *   <li>The result completes with the values, in the order of {@code stages}, once all have completed; with
     *       an empty list at once if there are none.</li>
     *   <li>The first failure (in completion order; in argument order among stages already failed at the call)
     *       fails the result at once; the other stages are <em>not</em> cancelled and keep running (asyncio's
     *       default; use {@link #taskGroup} to cancel the siblings). A stage cancelled by its owner is such a
     *       failure, with its {@link CancellationException}.</li>
     *   <li>Cancelling the result cancels every stage not yet complete, then waits until all of them have
     *       completed, cleanup they start on the cancellation included, and fails with a
     *       {@link CancellationException} (asyncio's {@code _GatheringFuture}); cancelling it again cancels them
     *       again, which reaches that cleanup. Completing the result from outside cancels them and completes it
     *       at once.</li>
     * </ul>
     *
     * @param stages the stages; the same stage may appear more than once
     * @param <T>    the common result type
     * @return a future of an unmodifiable list (it may hold {@code null}s), completed on the thread completing
     *         the last stage, or the failing one, or on the calling thread if all were complete
     */
    public static <T> AsyncFuture<List<T>> gather(Collection<? extends CompletionStage<? extends T>> stages) {
        Objects.requireNonNull(stages, "stages");
        return Gather.list(stages, false);
    }

    /**
     * Waits for every stage and collects their outcomes, failures included, in argument order (asyncio
     * {@code gather(*aws, return_exceptions=True)}).
     *
     * <p>The result never fails on account of a stage: a stage's failure (a cancellation included) becomes a
     * {@link Try.Failure} in its slot, unwrapped. Cancelling the result cancels every stage not yet complete
     * and, once all of them have completed, fails the result with a {@link CancellationException} (the caller's
     * own cancellation is never swallowed, unlike asyncio before 3.7); see {@link #gather(Collection)}.
     *
     * @param stages the stages
     * @param <T>    the common result type
     * @return a future of an unmodifiable list of outcomes, completed on the thread completing the last stage or
     *         on the calling thread if all were complete
     */
    public static <T> AsyncFuture<List<Try<T>>> gatherReturnExceptions(
            Collection<? extends CompletionStage<? extends T>> stages) {
        Objects.requireNonNull(stages, "stages");
        return Gather.list(stages, true);
    }

    /**
     * Waits for two stages and pairs their values (typed asyncio {@code gather(a, b)}); failure and
     * cancellation as {@link #gather(Collection)}.
     *
     * @param a   the first stage
     * @param b   the second stage
     * @param <A> the first result type
     * @param <B> the second result type
     * @return a future of the tuple of values, in argument order
     */
    @SuppressWarnings("unchecked")
    public static <A, B> AsyncFuture<Tuple2<A, B>> gather(CompletionStage<? extends A> a,
                                                         CompletionStage<? extends B> b) {
        return Gather.start(new CompletionStage<?>[] {a, b}, r -> Tuple.of((A) r[0], (B) r[1]));
    }

    /**
     * Waits for three stages and collects their values in a tuple; see {@link #gather(CompletionStage,
     * CompletionStage)}.
     *
     * @param a   the first stage
     * @param b   the second stage
     * @param c   the third stage
     * @param <A> the first result type
     * @param <B> the second result type
     * @param <C> the third result type
     * @return a future of the tuple of values, in argument order
     */
    @SuppressWarnings("unchecked")
    public static <A, B, C> AsyncFuture<Tuple3<A, B, C>> gather(CompletionStage<? extends A> a,
                                                               CompletionStage<? extends B> b,
                                                               CompletionStage<? extends C> c) {
        return Gather.start(new CompletionStage<?>[] {a, b, c}, r -> Tuple.of((A) r[0], (B) r[1], (C) r[2]));
    }

    /**
     * Waits for four stages and collects their values in a tuple; see {@link #gather(CompletionStage,
     * CompletionStage)}.
     *
     * @param a   the first stage
     * @param b   the second stage
     * @param c   the third stage
     * @param d   the fourth stage
     * @param <A> the first result type
     * @param <B> the second result type
     * @param <C> the third result type
     * @param <D> the fourth result type
     * @return a future of the tuple of values, in argument order
     */
    @SuppressWarnings("unchecked")
    public static <A, B, C, D> AsyncFuture<Tuple4<A, B, C, D>> gather(CompletionStage<? extends A> a,
                                                                     CompletionStage<? extends B> b,
                                                                     CompletionStage<? extends C> c,
                                                                     CompletionStage<? extends D> d) {
        return Gather.start(new CompletionStage<?>[] {a, b, c, d},
                r -> Tuple.of((A) r[0], (B) r[1], (C) r[2], (D) r[3]));
    }

    /**
     * Waits for five stages and collects their values in a tuple; see {@link #gather(CompletionStage,
     * CompletionStage)}.
     *
     * @param a   the first stage
     * @param b   the second stage
     * @param c   the third stage
     * @param d   the fourth stage
     * @param e   the fifth stage
     * @param <A> the first result type
     * @param <B> the second result type
     * @param <C> the third result type
     * @param <D> the fourth result type
     * @param <E> the fifth result type
     * @return a future of the tuple of values, in argument order
     */
    @SuppressWarnings("unchecked")
    public static <A, B, C, D, E> AsyncFuture<Tuple5<A, B, C, D, E>> gather(CompletionStage<? extends A> a,
                                                                           CompletionStage<? extends B> b,
                                                                           CompletionStage<? extends C> c,
                                                                           CompletionStage<? extends D> d,
                                                                           CompletionStage<? extends E> e) {
        return Gather.start(new CompletionStage<?>[] {a, b, c, d, e},
                r -> Tuple.of((A) r[0], (B) r[1], (C) r[2], (D) r[3], (E) r[4]));
    }

    /**
     * Waits for six stages and collects their values in a tuple; see {@link #gather(CompletionStage,
     * CompletionStage)}.
     *
     * @param a   the first stage
     * @param b   the second stage
     * @param c   the third stage
     * @param d   the fourth stage
     * @param e   the fifth stage
     * @param f   the sixth stage
     * @param <A> the first result type
     * @param <B> the second result type
     * @param <C> the third result type
     * @param <D> the fourth result type
     * @param <E> the fifth result type
     * @param <F> the sixth result type
     * @return a future of the tuple of values, in argument order
     */
    @SuppressWarnings("unchecked")
    public static <A, B, C, D, E, F> AsyncFuture<Tuple6<A, B, C, D, E, F>> gather(
            CompletionStage<? extends A> a, CompletionStage<? extends B> b, CompletionStage<? extends C> c,
            CompletionStage<? extends D> d, CompletionStage<? extends E> e, CompletionStage<? extends F> f) {
        return Gather.start(new CompletionStage<?>[] {a, b, c, d, e, f},
                r -> Tuple.of((A) r[0], (B) r[1], (C) r[2], (D) r[3], (E) r[4], (F) r[5]));
    }

    /**
     * Waits for seven stages and collects their values in a tuple; see {@link #gather(CompletionStage,
     * CompletionStage)}.
     *
     * @param a   the first stage
     * @param b   the second stage
     * @param c   the third stage
     * @param d   the fourth stage
     * @param e   the fifth stage
     * @param f   the sixth stage
     * @param g   the seventh stage
     * @param <A> the first result type
     * @param <B> the second result type
     * @param <C> the third result type
     * @param <D> the fourth result type
     * @param <E> the fifth result type
     * @param <F> the sixth result type
     * @param <G> the seventh result type
     * @return a future of the tuple of values, in argument order
     */
    @SuppressWarnings("unchecked")
    public static <A, B, C, D, E, F, G> AsyncFuture<Tuple7<A, B, C, D, E, F, G>> gather(
            CompletionStage<? extends A> a, CompletionStage<? extends B> b, CompletionStage<? extends C> c,
            CompletionStage<? extends D> d, CompletionStage<? extends E> e, CompletionStage<? extends F> f,
            CompletionStage<? extends G> g) {
        return Gather.start(new CompletionStage<?>[] {a, b, c, d, e, f, g},
                r -> Tuple.of((A) r[0], (B) r[1], (C) r[2], (D) r[3], (E) r[4], (F) r[5], (G) r[6]));
    }

    /**
     * Waits for eight stages and collects their values in a tuple; see {@link #gather(CompletionStage,
     * CompletionStage)}.
     *
     * @param a   the first stage
     * @param b   the second stage
     * @param c   the third stage
     * @param d   the fourth stage
     * @param e   the fifth stage
     * @param f   the sixth stage
     * @param g   the seventh stage
     * @param h   the eighth stage
     * @param <A> the first result type
     * @param <B> the second result type
     * @param <C> the third result type
     * @param <D> the fourth result type
     * @param <E> the fifth result type
     * @param <F> the sixth result type
     * @param <G> the seventh result type
     * @param <H> the eighth result type
     * @return a future of the tuple of values, in argument order
     */
    @SuppressWarnings("unchecked")
    public static <A, B, C, D, E, F, G, H> AsyncFuture<Tuple8<A, B, C, D, E, F, G, H>> gather(
            CompletionStage<? extends A> a, CompletionStage<? extends B> b, CompletionStage<? extends C> c,
            CompletionStage<? extends D> d, CompletionStage<? extends E> e, CompletionStage<? extends F> f,
            CompletionStage<? extends G> g, CompletionStage<? extends H> h) {
        return Gather.start(new CompletionStage<?>[] {a, b, c, d, e, f, g, h},
                r -> Tuple.of((A) r[0], (B) r[1], (C) r[2], (D) r[3], (E) r[4], (F) r[5], (G) r[6], (H) r[7]));
    }

    // ---------------------------------------------------------------------------------------------- wait

    /**
     * Waits until {@code returnWhen} holds for {@code stages} (asyncio {@code wait(aws, return_when=...)}) and
     * returns the {@code (done, pending)} split.
     *
     * <p>Call it qualified, {@code Async.wait(...)}, as Python code calls {@code asyncio.wait(...)}: inside any
     * class a plain {@code wait(...)} means {@link Object#wait()} first, so a static import of this method does not
     * compile there.
     *
     * <pre>{@code
     * // done, pending = await asyncio.wait(tasks, return_when=FIRST_COMPLETED); for t in pending: t.cancel()
     * Async.wait(tasks, ReturnWhen.FIRST_COMPLETED)
     *         .thenAccept(split -> split.pending().forEach(t -> t.cancel(true)));
     * }</pre>
     *
     * <ul>
     *   <li>It never fails on account of a stage and never cancels one.</li>
     *   <li>The same stage given twice counts once (asyncio turns the arguments into a set).</li>
     *   <li>The split is taken when the condition first holds: a stage completing at that very moment may be
     *       in either set.</li>
     *   <li>Cancelling the result cancels no stage.</li>
     * </ul>
     *
     * @param stages     the stages, at least one
     * @param returnWhen when to return
     * @param <S>        the type of the stages
     * @return a future of the split, completed on the thread completing the stage that made the condition true,
     *         or on the calling thread if it held already
     * @throws IllegalArgumentException if {@code stages} is empty
     */
    public static <S extends CompletionStage<?>> AsyncFuture<WaitResult<S>> wait(Collection<? extends S> stages,
                                                                                ReturnWhen returnWhen) {
        Objects.requireNonNull(returnWhen, "returnWhen");
        return WaitCall.start(stages, returnWhen, null, null);
    }

    /**
     * As {@link #wait(Collection, ReturnWhen)}, returning the split after at most {@code timeout} on the shared
     * timer (asyncio {@code wait(aws, timeout=..., return_when=...)}).
     *
     * @param stages     the stages, at least one
     * @param returnWhen when to return
     * @param timeout    how long to wait at most; on timeout the result completes normally with the split
     * @param <S>        the type of the stages
     * @return a future of the split
     * @throws IllegalArgumentException if {@code stages} is empty
     */
    public static <S extends CompletionStage<?>> AsyncFuture<WaitResult<S>> wait(Collection<? extends S> stages,
                                                                                ReturnWhen returnWhen,
                                                                                Duration timeout) {
        return wait(stages, returnWhen, timeout, AsyncTimer.shared());
    }

    /**
     * As {@link #wait(Collection, ReturnWhen)}, returning the split after at most {@code timeout} (asyncio
     * {@code wait(aws, timeout=..., return_when=...)}): a timeout is not a failure, and cancels nothing.
     *
     * @param stages     the stages, at least one
     * @param returnWhen when to return
     * @param timeout    how long to wait at most
     * @param timer      the timer to use
     * @param <S>        the type of the stages
     * @return a future of the split, completed as for {@link #wait(Collection, ReturnWhen)} or on the timer's
     *         callback executor on timeout; cancelling it removes the timer task
     * @throws IllegalArgumentException if {@code stages} is empty
     */
    public static <S extends CompletionStage<?>> AsyncFuture<WaitResult<S>> wait(Collection<? extends S> stages,
                                                                                ReturnWhen returnWhen,
                                                                                Duration timeout,
                                                                                AsyncTimer timer) {
        Objects.requireNonNull(returnWhen, "returnWhen");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(timer, "timer");
        return WaitCall.start(stages, returnWhen, timeout, timer);
    }

    // ---------------------------------------------------------------------------------------------- asCompleted

    /**
     * Returns futures that complete in the order the stages complete (asyncio {@code as_completed(aws)}): the
     * first returned future completes with the outcome of whichever stage completes first, and so on.
     *
     * <ul>
     *   <li>The same stage given twice counts once; the list has one future per distinct stage.</li>
     *   <li>Failures are unwrapped. No stage is ever cancelled, and cancelling a returned future cancels no
     *       stage: the outcome that would have gone to it is dropped.</li>
     * </ul>
     *
     * <pre>{@code
     * // for answer in asyncio.as_completed(lookups): print(await answer)
     * Async.forEach(Async.asCompleted(lookups), answer -> answer.thenAccept(System.out::println));
     * }</pre>
     *
     * @param stages the stages
     * @param <T>    the common result type
     * @return an unmodifiable list of futures, each completed on the thread completing the corresponding stage
     */
    public static <T> List<AsyncFuture<T>> asCompleted(Collection<? extends CompletionStage<? extends T>> stages) {
        return AsCompleted.start(Stages.distinct(stages), null, null);
    }

    /**
     * As {@link #asCompleted(Collection)}, with a timeout on the shared timer.
     *
     * @param stages  the stages
     * @param timeout after it, every returned future not yet complete fails with a {@link TimeoutException}
     * @param <T>     the common result type
     * @return an unmodifiable list of futures in completion order
     */
    public static <T> List<AsyncFuture<T>> asCompleted(Collection<? extends CompletionStage<? extends T>> stages,
                                                       Duration timeout) {
        return asCompleted(stages, timeout, AsyncTimer.shared());
    }

    /**
     * As {@link #asCompleted(Collection)}, with a timeout (asyncio {@code as_completed(aws, timeout=...)}): when
     * it passes, every returned future not yet complete fails with a {@link TimeoutException}, on the timer's
     * callback executor. The stages are not cancelled. The timer task is removed once every stage completed.
     *
     * @param stages  the stages
     * @param timeout how long to wait for all of them
     * @param timer   the timer to use
     * @param <T>     the common result type
     * @return an unmodifiable list of futures in completion order
     */
    public static <T> List<AsyncFuture<T>> asCompleted(Collection<? extends CompletionStage<? extends T>> stages,
                                                       Duration timeout, AsyncTimer timer) {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(timer, "timer");
        return AsCompleted.start(Stages.distinct(stages), timeout, timer);
    }

    // ---------------------------------------------------------------------------------------------- any / race

    /**
     * Completes with the first value any stage produces (not in asyncio; {@code wait(FIRST_COMPLETED)} in a loop
     * skipping failures). Failures are skipped; if every stage fails, the result fails with the first failure,
     * the later ones attached as {@link Throwable#addSuppressed suppressed}.
     *
     * <p>The losers are left running; see {@link #anyCancellingLosers}. Cancelling the result cancels every
     * stage not yet complete and completes the result at once: cleanup those stages start is not waited for.
     * Among stages already complete at the call, the first in argument order wins.
     *
     * <pre>{@code
     * // the first mirror that answers; the others go on (anyCancellingLosers stops them)
     * AsyncFuture<Page> page = Async.any(List.of(fetch(mirror1), fetch(mirror2)));
     * }</pre>
     *
     * @param stages the stages, at least one
     * @param <T>    the common result type
     * @return a future completed on the thread completing the winning (or last failing) stage
     * @throws IllegalArgumentException if {@code stages} is empty
     */
    public static <T> AsyncFuture<T> any(Collection<? extends CompletionStage<? extends T>> stages) {
        Objects.requireNonNull(stages, "stages");
        return FirstOf.start(stages, true, false);
    }

    /**
     * As {@link #any}, then cancels every other stage still running once a value has won.
     *
     * @param stages the stages, at least one
     * @param <T>    the common result type
     * @return a future completed with the first value, on the thread completing the winning stage (the losers are
     *         cancelled on that thread first)
     * @throws IllegalArgumentException if {@code stages} is empty
     */
    public static <T> AsyncFuture<T> anyCancellingLosers(Collection<? extends CompletionStage<? extends T>> stages) {
        Objects.requireNonNull(stages, "stages");
        return FirstOf.start(stages, true, true);
    }

    /**
     * Completes with the first outcome of any stage, value or failure (asyncio
     * {@code wait(aws, return_when=FIRST_COMPLETED)} then {@code result()} of the first done; a typed
     * {@code CompletableFuture.anyOf}). The losers are left running; see {@link #raceCancellingLosers}.
     * Cancelling the result cancels every stage not yet complete and completes the result at once. Among stages
     * already complete at the call, the first in argument order wins.
     *
     * @param stages the stages, at least one
     * @param <T>    the common result type
     * @return a future completed on the thread completing the first stage
     * @throws IllegalArgumentException if {@code stages} is empty
     */
    public static <T> AsyncFuture<T> race(Collection<? extends CompletionStage<? extends T>> stages) {
        Objects.requireNonNull(stages, "stages");
        return FirstOf.start(stages, false, false);
    }

    /**
     * As {@link #race}, then cancels every other stage still running once one has completed.
     *
     * @param stages the stages, at least one
     * @param <T>    the common result type
     * @return a future completed with the first outcome, on the thread completing that stage (the losers are
     *         cancelled on that thread first)
     * @throws IllegalArgumentException if {@code stages} is empty
     */
    public static <T> AsyncFuture<T> raceCancellingLosers(
            Collection<? extends CompletionStage<? extends T>> stages) {
        Objects.requireNonNull(stages, "stages");
        return FirstOf.start(stages, false, true);
    }

    // ---------------------------------------------------------------------------------------------- task group

    /**
     * Runs {@code body} in a {@link TaskGroup} (asyncio {@code async with asyncio.TaskGroup() as tg}): the body
     * spawns children with {@link TaskGroup#spawn}; the result completes when the body's stage and every child
     * have completed.
     *
     * <pre>{@code
     * // async with asyncio.TaskGroup() as tg: a = tg.create_task(fetch(x)); b = tg.create_task(fetch(y))
     * AsyncFuture<Integer> total = Async.taskGroup(tg -> {
     *     AsyncFuture<Page> a = tg.spawn(() -> fetch(x));
     *     AsyncFuture<Page> b = tg.spawn(() -> fetch(y));
     *     return a.thenCombine(b, (pa, pb) -> pa.size() + pb.size());
     * });
     * }</pre>
     *
     * <ul>
     *   <li>{@code body} is called at once, on the calling thread. If it throws, that is the body's failure.</li>
     *   <li>Success: the result completes with the body's value.</li>
     *   <li>The first failure of a child or of the body, other than a cancellation, cancels every other child and
     *       the body's stage; once all have completed, the result fails with that first failure, later failures
     *       attached as {@link Throwable#addSuppressed suppressed}.</li>
     *   <li>The group cancels each child and the body's stage once: cleanup they start on that cancellation
     *       ({@code exceptionallyCompose}) runs to completion, and the result waits for it, as asyncio's
     *       {@code __aexit__} waits for its tasks.</li>
     *   <li>Cancelling the result cancels the body's stage and every child, waits until all of them have
     *       completed, then fails with a {@link CancellationException} (or with the first failure, if one
     *       happened). Cleanup that never ends keeps the result pending, as in asyncio; cancelling the result
     *       again cancels the body's stage and every child again, which reaches that cleanup. Completing the
     *       result from outside ({@code complete}, {@code orTimeout}, ...) cancels them and completes it at once.</li>
     *   <li>If the body's stage is cancelled by other means, the children are cancelled too and the result fails
     *       with that {@link CancellationException} once they have completed.</li>
     * </ul>
     *
     * @param body starts the work and returns its stage, spawning children on the group it is given
     * @param <T>  the body's result type
     * @return a future completed on the thread completing the last of the body's stage and the children
     */
    public static <T> AsyncFuture<T> taskGroup(Function<? super TaskGroup, ? extends CompletionStage<T>> body) {
        Objects.requireNonNull(body, "body");
        return TaskGroup.start(body);
    }

    // ---------------------------------------------------------------------------------------------- retry

    /**
     * Calls {@code attempt} until its stage succeeds, as {@code policy} says, on the shared timer; see
     * {@link #retry(RetryPolicy, Supplier, AsyncTimer)}.
     *
     * @param policy  how many attempts, how long between them, which failures to retry
     * @param attempt starts one attempt
     * @param <T>     the result type
     * @return a future of the first successful attempt's value, or of the last failure
     */
    public static <T> AsyncFuture<T> retry(RetryPolicy policy, Supplier<? extends CompletionStage<T>> attempt) {
        return retry(policy, attempt, AsyncTimer.shared());
    }

    /**
     * Calls {@code attempt} until its stage succeeds (not in asyncio): at most {@link RetryPolicy#maxAttempts()}
     * attempts, separated by the policy's jittered exponential backoff.
     *
     * <pre>{@code
     * AsyncFuture<Reply> reply = Async.retry(RetryPolicy.ofAttempts(5).withInitialDelay(Duration.ofMillis(50)),
     *         () -> send(request), loop.timer());
     * }</pre>
     *
     * <ul>
     *   <li>The first attempt starts at once, on the calling thread; the next ones on the timer's callback
     *       executor, after the backoff (even a zero one, so that synchronous failures cannot grow the
     *       stack).</li>
     *   <li>A failure the policy does not retry, or the failure of the last attempt, fails the result; the
     *       earlier failures are attached to it as {@link Throwable#addSuppressed suppressed}. An attempt that
     *       throws instead of returning a stage has failed. A cancellation is never retried.</li>
     *   <li>Cancelling the result cancels the attempt in flight, or the backoff sleep, at once: no further
     *       attempt starts.</li>
     * </ul>
     *
     * @param policy  how many attempts, how long between them, which failures to retry
     * @param attempt starts one attempt
     * @param timer   the timer for the backoff
     * @param <T>     the result type
     * @return a future completed on the thread completing the last attempt
     */
    public static <T> AsyncFuture<T> retry(RetryPolicy policy, Supplier<? extends CompletionStage<T>> attempt,
                                           AsyncTimer timer) {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(attempt, "attempt");
        Objects.requireNonNull(timer, "timer");
        return Retry.start(policy, attempt, timer);
    }

    // ---------------------------------------------------------------------------------------------- callbacks

    /**
     * Runs {@code task} soon on the shared timer's callback executor (asyncio {@code loop.call_soon}); see
     * {@link AsyncTimer#callSoon}, which does the work and runs it on another timer.
     *
     * <pre>{@code
     * // loop.call_soon(print, "soon"); handle = loop.call_later(1, print, "later"); handle.cancel()
     * Async.callSoon(() -> System.out.println("soon"));
     * TimerHandle later = Async.callLater(Duration.ofSeconds(1), () -> System.out.println("later"));
     * later.cancel();
     * }</pre>
     *
     * @param task what to run; an exception it throws goes to the running thread's uncaught-exception handler
     * @return a handle that cancels the task until it starts
     */
    public static TimerHandle callSoon(Runnable task) {
        return AsyncTimer.shared().callSoon(task);
    }

    /**
     * Runs {@code task} soon on {@code timer}'s callback executor (asyncio {@code loop.call_soon}): the same as
     * {@code timer.callSoon(task)}, {@link AsyncTimer#callSoon}, where its contract is.
     *
     * @param task  what to run
     * @param timer whose callback executor runs it
     * @return a handle that cancels the task until it starts
     * @throws RejectedExecutionException if the executor is shut down
     */
    public static TimerHandle callSoon(Runnable task, AsyncTimer timer) {
        return Objects.requireNonNull(timer, "timer").callSoon(task);
    }

    /**
     * Runs {@code task} after {@code delay} on the shared timer's callback executor (asyncio
     * {@code loop.call_later}); see {@link AsyncTimer#schedule}, which does the work and runs it on another timer.
     *
     * @param delay how long to wait; zero or negative means as soon as possible
     * @param task  what to run
     * @return a handle that cancels the task and removes it from the timer
     */
    public static TimerHandle callLater(Duration delay, Runnable task) {
        return AsyncTimer.shared().schedule(delay, task);
    }

    /**
     * Runs {@code task} after {@code delay} on {@code timer}'s callback executor (asyncio {@code loop.call_later}):
     * the same as {@code timer.schedule(delay, task)}, {@link AsyncTimer#schedule}, where its contract is.
     *
     * @param delay how long to wait; zero or negative means as soon as possible
     * @param task  what to run
     * @param timer the timer to use
     * @return a handle that cancels the task and removes it from the timer
     * @throws RejectedExecutionException if the timer is closed
     */
    public static TimerHandle callLater(Duration delay, Runnable task, AsyncTimer timer) {
        return Objects.requireNonNull(timer, "timer").schedule(delay, task);
    }

    /**
     * Runs {@code task} at {@code deadlineNanos} on the shared timer's callback executor (asyncio
     * {@code loop.call_at}); see {@link AsyncTimer#scheduleAt}, which does the work and runs it on another timer.
     *
     * @param deadlineNanos when, on the {@link AsyncTimer#nanoTime()} clock
     * @param task          what to run
     * @return a handle that cancels the task and removes it from the timer
     */
    public static TimerHandle callAt(long deadlineNanos, Runnable task) {
        return AsyncTimer.shared().scheduleAt(deadlineNanos, task);
    }

    /**
     * Runs {@code task} at {@code deadlineNanos} on {@code timer}'s callback executor (asyncio
     * {@code loop.call_at}): the same as {@code timer.scheduleAt(deadlineNanos, task)},
     * {@link AsyncTimer#scheduleAt}, where its contract is.
     *
     * @param deadlineNanos when, on the {@link AsyncTimer#nanoTime()} clock
     * @param task          what to run
     * @param timer         the timer to use
     * @return a handle that cancels the task and removes it from the timer
     * @throws RejectedExecutionException if the timer is closed
     */
    public static TimerHandle callAt(long deadlineNanos, Runnable task, AsyncTimer timer) {
        return Objects.requireNonNull(timer, "timer").scheduleAt(deadlineNanos, task);
    }

    /**
     * Runs a blocking call on {@code executor} (asyncio {@code loop.run_in_executor(executor, func)}).
     *
     * <pre>{@code
     * // data = await loop.run_in_executor(pool, read_file, path)
     * AsyncFuture<byte[]> data = Async.runInExecutor(pool, () -> Files.readAllBytes(path));
     * }</pre>
     *
     * <ul>
     *   <li>The result completes with the call's value or exception, on the worker thread.</li>
     *   <li>If {@code executor} rejects the call, the result fails with the
     *       {@link RejectedExecutionException}.</li>
     *   <li>Cancelling the result before the call starts keeps it from ever running; while it runs, interrupts
     *       the worker thread (unlike asyncio, whose executor threads cannot be stopped). The call should react
     *       to interruption (blocking I/O on an interruptible channel, {@code Thread.sleep}, {@code wait}, ...):
     *       the result is cancelled at once either way, and whatever the call returns afterwards is dropped.
     *       The interrupt never leaks into the worker's next task.</li>
     * </ul>
     *
     * @param executor where to run the call, e.g. a cached thread pool; never a timer's callback executor for
     *                 long calls
     * @param call     the blocking call
     * @param <T>      the result type
     * @return a future of the call's value, completed on the worker thread
     */
    public static <T> AsyncFuture<T> runInExecutor(Executor executor, Callable<T> call) {
        Objects.requireNonNull(executor, "executor");
        Objects.requireNonNull(call, "call");
        return BlockingCall.start(executor, call);
    }

    // ---------------------------------------------------------------------------------------------- loops

    /**
     * Runs {@code body} again and again while the stage it returns completes with {@code true} (a
     * {@code while} loop of {@code await}s).
     *
     * <p>Stack-safe: stages that complete synchronously iterate in a loop, not by recursion. The first iteration
     * starts on the calling thread, each later one on the thread that completed the previous one.
     *
     * <pre>{@code
     * // while await pump(): pass
     * AsyncFuture<Void> pumped = Async.whileTrue(() -> pump());
     * // for i in range(3): await asyncio.sleep(0.1); print(i)
     * Async.repeat(3, i -> Async.sleep(Duration.ofMillis(100)).thenRun(() -> System.out.println(i)));
     * }</pre>
     *
     * @param body one iteration; its stage's {@code false} or {@code null} ends the loop, and so does a
     *             {@code null} stage
     * @return a future completed with {@code null} when the loop ends, failed with the first failure of a body
     *         or of its stage; cancelling it cancels the iteration in flight and ends the loop
     */
    public static AsyncFuture<Void> whileTrue(Supplier<? extends CompletionStage<Boolean>> body) {
        return StageLoop.whileTrue(Objects.requireNonNull(body, "body"));
    }

    /**
     * Runs {@code body} for each item in turn, each after the previous one's stage has completed (an
     * {@code async for}/{@code for ... await} loop).
     *
     * <p>Stack-safe, threads and cancellation as {@link #whileTrue}. The iterator is used by one iteration at a
     * time, never concurrently.
     *
     * @param items the items
     * @param body  one iteration; a {@code null} stage counts as already complete
     * @param <T>   the item type
     * @return a future completed with {@code null} after the last item, failed with the first failure of a body,
     *         of its stage or of the iterator (the remaining items are skipped); cancelling it cancels the
     *         iteration in flight and skips the rest
     */
    public static <T> AsyncFuture<Void> forEach(Iterable<? extends T> items,
                                                Function<? super T, ? extends CompletionStage<?>> body) {
        Objects.requireNonNull(items, "items");
        return StageLoop.forEach(items, Objects.requireNonNull(body, "body"));
    }

    /**
     * Runs {@code body} {@code times} times in turn, with the iteration number {@code 0 .. times - 1}, each
     * after the previous one's stage has completed (a {@code for i in range(times): await ...} loop).
     *
     * <p>Stack-safe, threads and cancellation as {@link #whileTrue}.
     *
     * @param times how many iterations; zero or negative runs none
     * @param body  one iteration, given its number; a {@code null} stage counts as already complete
     * @return a future completed with {@code null} after the last iteration, failed with the first failure of a
     *         body or of its stage; cancelling it cancels the iteration in flight and skips the rest
     */
    public static AsyncFuture<Void> repeat(long times, LongFunction<? extends CompletionStage<?>> body) {
        return StageLoop.repeat(times, Objects.requireNonNull(body, "body"));
    }

    // ---------------------------------------------------------------------------------------------- failures

    /**
     * Strips the {@link CompletionException} wrapper that {@code CompletableFuture} adds to failures seen by
     * dependent stages, so callers see the failure itself.
     *
     * <pre>{@code
     * reply.handle((value, e) -> e == null ? value : "failed: " + Async.unwrap(e).getMessage());
     * }</pre>
     *
     * @param e a failure seen by a dependent stage
     * @return its cause if {@code e} is a {@code CompletionException} with a cause, else {@code e}
     */
    public static Throwable unwrap(Throwable e) {
        return Failures.unwrap(e);
    }
}
