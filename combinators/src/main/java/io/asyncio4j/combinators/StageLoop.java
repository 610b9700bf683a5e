package io.asyncio4j.combinators;

import io.asyncio4j.AsyncFuture;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

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
            Async.cancelQuietly(c);
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
                result.settleExceptionally(Async.unwrap(lastFailure));
                return;
            }
            CompletableFuture<?> next;
            try {
                CompletionStage<?> stage = step.next(lastValue);
                if (stage == null) {
                    result.settle(null);
                    return;
                }
                next = Async.view(stage);
            } catch (Throwable t) {
                result.settleExceptionally(t);
                return;
            }
            current = next;
            if (stopped) { // given up while the step ran: cancelCurrent may have read the previous stage
                Async.cancelQuietly(next);
            }
            Async.onDone((CompletableFuture<Object>) next, this);
        } while (wip.decrementAndGet() != 0);
    }
}
