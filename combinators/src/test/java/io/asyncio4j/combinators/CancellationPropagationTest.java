package io.asyncio4j.combinators;

import io.asyncio4j.AsyncFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static io.asyncio4j.combinators.Outcomes.failure;
import static io.asyncio4j.combinators.Outcomes.value;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cancelling the last future of a pipeline built with AsyncFuture's own composition cancels the stage in flight
 * (here a timer sleep, which leaves the timer's queue), runs the cleanup stages, and spares a shielded stage.
 */
class CancellationPropagationTest {

    private final AsyncTimer timer = AsyncTimer.create("propagation-timer", Runnable::run);

    @AfterEach
    void closeTimer() {
        timer.close();
    }

    private AsyncFuture<String> longSleep() {
        return timer.sleep(Duration.ofHours(1), "slept");
    }

    @Test
    void cancellingAThenApplyCancelsTheSleepInFlight() {
        AsyncFuture<String> sleep = longSleep();
        AsyncFuture<Integer> last = sleep.thenApply(String::length);

        assertThat(last.cancel(false)).isTrue();

        assertThat(last).isCancelled();
        assertThat(sleep).isCancelled();
        assertThat(timer.pendingTasks()).isZero();
    }

    @Test
    void cancellingAThenComposeCancelsTheInnerStageInFlight() {
        AsyncFuture<String> inner = longSleep();
        AsyncFuture<String> last = AsyncFuture.completed(1).thenCompose(v -> inner);

        last.cancel(false);

        assertThat(inner).isCancelled();
        assertThat(timer.pendingTasks()).isZero();
    }

    @Test
    void cancellingAThenComposeBeforeItsFunctionRanCancelsTheSourceAndNeverStartsTheInnerStage() {
        AsyncFuture<String> first = longSleep();
        AtomicReference<AsyncFuture<String>> started = new AtomicReference<>();
        AsyncFuture<String> last = first.thenCompose(v -> {
            started.set(longSleep());
            return started.get();
        });

        last.cancel(false);

        assertThat(first).isCancelled();
        assertThat(started.get()).isNull();
        assertThat(timer.pendingTasks()).isZero();
    }

    @Test
    void cancellingAnExceptionallyComposeCancelsTheRecoveryInFlight() {
        AsyncFuture<String> recovery = longSleep();
        AsyncFuture<String> last = AsyncFuture.<String>failed(new IllegalStateException())
                .exceptionallyCompose(e -> recovery);

        last.cancel(false);

        assertThat(recovery).isCancelled();
        assertThat(timer.pendingTasks()).isZero();
    }

    @Test
    void cancellingAWhenCompleteRunsItsCleanupAndCancelsTheSleep() {
        AsyncFuture<String> sleep = longSleep();
        AtomicReference<Throwable> seen = new AtomicReference<>();
        AsyncFuture<String> last = sleep.whenComplete((v, e) -> seen.set(e));

        last.cancel(false);

        assertThat(sleep).isCancelled();
        assertThat(seen.get()).isInstanceOf(CancellationException.class);
        assertThat(timer.pendingTasks()).isZero();
    }

    @Test
    void handleThatRecoversFromTheCancellationSuppressesItAsAnAsyncioTaskCatchingCancelledError() {
        AsyncFuture<String> sleep = longSleep();
        AtomicReference<Throwable> seen = new AtomicReference<>();
        AsyncFuture<String> last = sleep.handle((v, e) -> {
            seen.set(e);
            return "handled";
        });

        assertThat(last.cancel(false)).isFalse();

        assertThat(seen.get()).isInstanceOf(CancellationException.class);
        assertThat(sleep).isCancelled();
        assertThat(last.join()).isEqualTo("handled");
    }

    @Test
    void cleanupRunsInnermostFirstAsAsyncioUnwindsFinallyBlocks() {
        AsyncFuture<String> sleep = longSleep();
        java.util.List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
        AsyncFuture<String> last = sleep
                .whenComplete((v, e) -> order.add("inner"))
                .thenApply(v -> v)
                .whenComplete((v, e) -> order.add("outer"));

        assertThat(last.cancel(false)).isTrue();

        assertThat(order).containsExactly("inner", "outer");
        assertThat(last).isCancelled();
        assertThat(sleep).isCancelled();
    }

    @Test
    void cancellingTheLastOfALongPipelineCancelsTheStageInFlightAndRunsEveryCleanup() {
        List<String> events = new CopyOnWriteArrayList<>();
        AsyncFuture<String> inFlight = longSleep();
        AsyncFuture<Integer> last = AsyncFuture.completed("start")
                .thenCompose(s -> inFlight)
                .whenComplete((v, e) -> events.add("whenComplete " + (e != null)))
                .thenApply(String::length)
                .handle((v, e) -> {
                    events.add("handle " + (e != null));
                    return v == null ? -1 : v;
                })
                .exceptionallyCompose(e -> AsyncFuture.completed(-2))
                .whenComplete((v, e) -> events.add("last whenComplete"));

        last.cancel(false);

        assertThat(inFlight).isCancelled();
        assertThat(timer.pendingTasks()).isZero();
        // All before cancel returns, from the cancelled end towards the stage in flight (see AsyncFuture).
        assertThat(events).containsExactlyInAnyOrder("whenComplete true", "handle true", "last whenComplete");
    }

    @Test
    void aShieldedStageIsNotCancelledButTheCleanupAfterTheShieldRuns() {
        AsyncFuture<String> inFlight = longSleep();
        AtomicReference<Throwable> seen = new AtomicReference<>();
        AsyncFuture<Integer> last = Async.shield(inFlight)
                .whenComplete((v, e) -> seen.set(e))
                .thenApply(String::length);

        last.cancel(false);

        assertThat(last).isCancelled();
        assertThat(seen.get()).isInstanceOf(CancellationException.class);
        assertThat(inFlight).isNotDone();
        assertThat(timer.pendingTasks()).isEqualTo(1);
        inFlight.cancel(false);
    }

    @Test
    void aPipelineThatIsNotCancelledCompletesNormally() {
        AsyncFuture<String> quick = timer.sleep(Duration.ZERO, "abc");
        AtomicReference<Throwable> seen = new AtomicReference<>(new Throwable("not run"));
        AsyncFuture<Integer> last = quick.whenComplete((v, e) -> seen.set(e)).thenApply(String::length);

        assertThat(value(last)).isEqualTo(3);
        assertThat(seen.get()).isNull();
    }

    @Test
    void whenCompleteStillReportsAFailureOfItsActionLikeCompletableFuture() {
        AsyncFuture<String> source = new AsyncFuture<>();
        AsyncFuture<String> d = source.whenComplete((v, e) -> {
            throw new IllegalStateException("cleanup failed");
        });
        CompletableFuture<String> plain = new CompletableFuture<String>().whenComplete((v, e) -> {
            throw new IllegalStateException("cleanup failed");
        });
        source.complete("x");

        assertThat(failure(d)).isInstanceOf(IllegalStateException.class).hasMessage("cleanup failed");
        assertThat(plain).isNotDone();
    }

    @Test
    void foreignStagesAdoptedWithOfAreCancelledAsBestEffort() {
        CompletableFuture<String> foreign = new CompletableFuture<>();
        AsyncFuture<Integer> last = AsyncFuture.of(foreign).thenApply(String::length);

        last.cancel(false);

        assertThat(foreign).isCancelled();
    }
}
