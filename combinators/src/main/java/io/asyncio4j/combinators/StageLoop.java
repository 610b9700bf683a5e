package io.asyncio4j.combinators;

import io.asyncio4j.AsyncFuture;

import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * The state of one asynchronous loop ({@link Async#whileTrue}, {@link Async#forEach}, {@link Async#repeat}):
 * a {@link Step} gives the next iteration's stage from the previous one's value, or {@code null} to stop.
 *
 * <p>Iterations are driven by a work-in-progress counter: a stage that completes while the driver is still on
 * the stack only bumps the counter and the driver loops again, so millions of synchronous iterations use one
 * stack frame.
 */
final class StageLoop implements BiConsumer<Object, Throwable> {

    /** One iteration of a loop. */
    interface Step {
        /**
         * Starts the next iteration.
         *
         * @param previous the value of the previous iteration's stage (the loop's initial value at first)
         * @return the iteration's stage, or {@code null} to end the loop
         */
        CompletionStage<?> next(Object previous);
    }

    private final Step step;
    private final AsyncFuture<Void> result = new AsyncFuture<>();
    private final AtomicInteger wip = new AtomicInteger();
    private volatile CompletableFuture<?> current;
    /** Set by the give-up of the result, which runs before the result completes: no iteration may start after it. */
    private volatile boolean stopped;
    // Written by the thread completing an iteration, read by the driver after the wip counter hands over.
    private Object lastValue;
    private Throwable lastFailure;

    private StageLoop(Step step, Object initial) {
        this.step = step;
        this.lastValue = initial;
    }

    /** Stands for an iteration that returned no stage where that means "done, go on". */
    private static final CompletableFuture<Object> DONE = CompletableFuture.completedFuture(null);

    /** {@link Async#whileTrue}: a {@code false} or {@code null} value, or a {@code null} stage, ends the loop. */
    static AsyncFuture<Void> whileTrue(Supplier<? extends CompletionStage<Boolean>> body) {
        return start(previous -> Boolean.TRUE.equals(previous) ? body.get() : null, Boolean.TRUE);
    }

    /** {@link Async#forEach}: one iteration per item, the iterator used by one iteration at a time. */
    static <T> AsyncFuture<Void> forEach(Iterable<? extends T> items,
                                         Function<? super T, ? extends CompletionStage<?>> body) {
        Iterator<? extends T> it = items.iterator();
        return start(previous -> it.hasNext() ? orDone(body.apply(it.next())) : null, null);
    }

    /** {@link Async#repeat}: iterations {@code 0 .. times - 1}. */
    static AsyncFuture<Void> repeat(long times, LongFunction<? extends CompletionStage<?>> body) {
        long[] next = {0};
        return start(previous -> next[0] < times ? orDone(body.apply(next[0]++)) : null, null);
    }

    private static CompletionStage<?> orDone(CompletionStage<?> stage) {
        return stage == null ? DONE : stage;
    }

    static AsyncFuture<Void> start(Step step, Object initial) {
        StageLoop loop = new StageLoop(step, initial);
        loop.result.onCancel(loop::cancelCurrent);
        loop.drive();
        return loop.result;
    }

    @Override
    public void accept(Object value, Throwable failure) {
        lastValue = value;
        lastFailure = failure;
        drive();
    }

    private void cancelCurrent() {
        stopped = true;
        CompletableFuture<?> c = current;
        if (c != null) {
            Stages.cancelQuietly(c);
        }
    }

    private void drive() {
        if (wip.getAndIncrement() != 0) {
            return;
        }
        do {
            if (stopped || result.isDone()) {
                return;
            }
            if (lastFailure != null) {
                result.settleExceptionally(Failures.unwrap(lastFailure));
                return;
            }
            CompletableFuture<?> next;
            try {
                CompletionStage<?> stage = step.next(lastValue);
                if (stage == null) {
                    result.settle(null);
                    return;
                }
                next = Stages.view(stage);
            } catch (Throwable t) {
                result.settleExceptionally(t);
                return;
            }
            current = next;
            if (stopped) { // given up while the step ran: cancelCurrent may have read the previous stage
                Stages.cancelQuietly(next);
            }
            Stages.onDone((CompletableFuture<Object>) next, this);
        } while (wip.decrementAndGet() != 0);
    }
}
