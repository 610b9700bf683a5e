package io.asyncio4j.combinators;

import io.asyncio4j.AsyncFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static io.asyncio4j.combinators.Outcomes.failure;
import static io.asyncio4j.combinators.Outcomes.value;
import static org.assertj.core.api.Assertions.assertThat;

/** Ported from CPython's test_waitfor.py, plus races and checks that no timer task is left behind. */
class WaitForTest {

    private final AtomicInteger threads = new AtomicInteger();
    private final ExecutorService callbacks = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "waitfor-cb-" + threads.incrementAndGet());
        t.setDaemon(true);
        return t;
    });
    private final AsyncTimer timer = AsyncTimer.create("waitfor-timer", callbacks);

    @AfterEach
    void closeTimer() {
        timer.close();
    }

    @Test
    void aStageCompletingInTimeGivesItsValueAndRemovesTheTimerTask() {
        AsyncFuture<String> stage = new AsyncFuture<>();
        AsyncFuture<String> r = Async.waitFor(stage, Duration.ofMinutes(1), timer);
        assertThat(timer.pendingTasks()).isEqualTo(1);

        stage.complete("ok");

        assertThat(value(r)).isEqualTo("ok");
        assertThat(timer.pendingTasks()).isZero();
    }

    @Test
    void aFailureInTimeIsRelayedUnwrappedAndRemovesTheTimerTask() {
        AsyncFuture<Integer> source = new AsyncFuture<>();
        AsyncFuture<Integer> stage = source.thenApply(v -> {
            throw new IllegalStateException("bad");
        });
        AsyncFuture<Integer> r = Async.waitFor(stage, Duration.ofMinutes(1), timer);

        source.complete(1);

        assertThat(failure(r)).isInstanceOf(IllegalStateException.class).hasMessage("bad");
        assertThat(timer.pendingTasks()).isZero();
    }

    @Test
    void onTimeoutTheStageIsCancelledAndTheResultFailsWithTimeoutException() {
        AsyncFuture<Void> sleeping = timer.sleep(Duration.ofHours(1));
        AtomicBoolean cleanedUp = new AtomicBoolean();
        AsyncFuture<Void> stage = sleeping.whenComplete((v, e) -> cleanedUp.set(true));

        AsyncFuture<Void> r = Async.waitFor(stage, Duration.ofMillis(10), timer);

        Throwable e = failure(r);
        assertThat(e).isInstanceOf(TimeoutException.class).hasCauseInstanceOf(CancellationException.class);
        // The result settles when the stage completes, before its cancel() returns and marks it cancelled.
        assertThat(failure(stage)).isInstanceOf(CancellationException.class);
        assertThat(sleeping).isCancelled();
        assertThat(cleanedUp).isTrue();
        assertThat(timer.pendingTasks()).isZero();
    }

    @Test
    void theTimeoutIsReportedOnlyAfterTheStageHasFinishedCancelling() {
        AtomicBoolean cancelActionRan = new AtomicBoolean();
        AtomicBoolean cleanupRanFirst = new AtomicBoolean();
        AsyncFuture<Void> stage = new AsyncFuture<>();
        stage.onCancel(() -> cancelActionRan.set(true));
        AsyncFuture<Void> r = Async.waitFor(stage, Duration.ofMillis(5), timer);
        CompletableFuture<Void> observed = r.handle((v, e) -> {
            cleanupRanFirst.set(cancelActionRan.get());
            return null;
        });

        Outcomes.done(observed);

        assertThat(failure(r)).isInstanceOf(TimeoutException.class);
        assertThat(cleanupRanFirst).isTrue();
    }

    @Test
    void cleanupTheTimedOutStageStartsRunsToCompletionBeforeTheTimeoutIsReported() {
        // As asyncio runs this program: "cleanup" at 0.3 s, then TimeoutError.
        //   async def work():
        //       try: await asyncio.sleep(3600)
        //       except asyncio.CancelledError:
        //           await asyncio.sleep(0.2); print("cleanup"); raise
        //   await asyncio.wait_for(work(), 0.1)
        List<String> events = new CopyOnWriteArrayList<>();
        AsyncFuture<Void> work = timer.sleep(Duration.ofHours(1)).exceptionallyCompose(e -> timer
                .sleep(Duration.ofMillis(200))
                .whenComplete((v, x) -> events.add(x == null ? "cleanup" : "cleanup cancelled"))
                .thenCompose(v -> AsyncFuture.failed(e)));

        AsyncFuture<Void> r = Async.waitFor(work, Duration.ofMillis(100), timer);
        AsyncFuture<Void> observed = r.whenComplete((v, e) -> events.add("waitFor " + e.getClass().getSimpleName()));

        assertThat(failure(observed)).isInstanceOf(TimeoutException.class)
                .hasCauseInstanceOf(CancellationException.class);
        assertThat(events).containsExactly("cleanup", "waitFor TimeoutException");
        assertThat(timer.pendingTasks()).isZero();
    }

    @Test
    void aTimedOutStageThatCleansUpAsynchronouslyFailsTheWaitForOnlyOnceItsCleanupHasSettled() {
        List<String> events = new CopyOnWriteArrayList<>();
        AsyncFuture<Void> cleanup = new AsyncFuture<>();
        CompletableFuture<Void> cancelSeen = new CompletableFuture<>();
        try (CleanupStages.SerialTimer serial = new CleanupStages.SerialTimer()) {
            AsyncFuture<String> stage = CleanupStages.reraisingAfter(
                    serial.timer.sleep(Duration.ofHours(1), "never"), cleanup, events, cancelSeen);

            AsyncFuture<String> r = Async.waitFor(stage, Duration.ofMillis(5), serial.timer);
            value(cancelSeen);
            serial.drain(); // the expiry has returned, with the cleanup in flight

            assertThat(r).isNotDone();
            assertThat(cleanup).isNotDone();
            cleanup.settle(null);
            assertThat(failure(r)).isInstanceOf(TimeoutException.class)
                    .hasCauseInstanceOf(CancellationException.class);
            assertThat(events).containsExactly("cancelled", "cleanup");
        }
    }

    @Test
    void aStageWhoseCleanupRecoversFromTheTimeoutGivesItsValueAsWaitForDoesInPython312() {
        List<String> events = new CopyOnWriteArrayList<>();
        AsyncFuture<String> cleanup = new AsyncFuture<>();
        CompletableFuture<Void> cancelSeen = new CompletableFuture<>();
        AsyncFuture<String> stage = CleanupStages.recoveringWith(timer.sleep(Duration.ofHours(1), "never"),
                cleanup, events, cancelSeen);

        AsyncFuture<String> r = Async.waitFor(stage, Duration.ofMillis(5), timer);
        value(cancelSeen);
        cleanup.settle("recovered");

        assertThat(value(r)).isEqualTo("recovered");
        assertThat(events).containsExactly("cancelled", "cleanup");
    }

    @Test
    void cancellingTheWaitForWhileTheTimedOutStageCleansUpCancelsTheCleanup() {
        List<String> events = new CopyOnWriteArrayList<>();
        AsyncFuture<Void> cleanup = new AsyncFuture<>();
        CompletableFuture<Void> cancelSeen = new CompletableFuture<>();
        try (CleanupStages.SerialTimer serial = new CleanupStages.SerialTimer()) {
            AsyncFuture<String> stage = CleanupStages.reraisingAfter(
                    serial.timer.sleep(Duration.ofHours(1), "never"), cleanup, events, cancelSeen);
            AsyncFuture<String> r = Async.waitFor(stage, Duration.ofMillis(5), serial.timer);
            value(cancelSeen);
            serial.drain(); // the expiry has returned: the cleanup stage is the one in flight

            assertThat(r.cancel(false)).isTrue();

            assertThat(cleanup).isCancelled();
            assertThat(r).isCancelled(); // the caller's cancellation, not a timeout, as in asyncio
            assertThat(events).containsExactly("cancelled");
        }
    }

    @Test
    void cancellingTheWaitForWaitsForTheCleanupOfTheStageAndLeavesItRunning() {
        List<String> events = new CopyOnWriteArrayList<>();
        AsyncFuture<Void> cleanup = new AsyncFuture<>();
        CompletableFuture<Void> cancelSeen = new CompletableFuture<>();
        AsyncFuture<String> stage = CleanupStages.reraisingAfter(timer.sleep(Duration.ofHours(1), "never"),
                cleanup, events, cancelSeen);
        AsyncFuture<String> r = Async.waitFor(stage, Duration.ofMinutes(1), timer);

        assertThat(r.cancel(false)).isTrue();

        assertThat(r).isNotDone();
        assertThat(cleanup).isNotDone();
        cleanup.settle(null);
        assertThat(r).isCancelled();
        assertThat(events).containsExactly("cancelled", "cleanup");
        assertThat(timer.pendingTasks()).isZero();
    }

    @Test
    void theTimerFiringAfterTheWaitForWasCancelledLeavesTheCleanupAlone() {
        try (CleanupStages.SerialTimer serial = new CleanupStages.SerialTimer()) {
            List<String> events = new CopyOnWriteArrayList<>();
            AsyncFuture<Void> cleanup = new AsyncFuture<>();
            AsyncFuture<String> stage = CleanupStages.reraisingAfter(new AsyncFuture<>(), cleanup, events,
                    new CompletableFuture<>());
            AsyncFuture<String> r = Async.waitFor(stage, Duration.ofMillis(5), serial.timer);
            assertThat(r.cancel(false)).isTrue();

            // Due later on the same callback thread: once it has run, so has the waitFor's expiry.
            value(serial.timer.sleep(Duration.ofMillis(20)));

            assertThat(cleanup).isNotDone();
            cleanup.settle(null);
            assertThat(r).isCancelled();
            assertThat(events).containsExactly("cancelled", "cleanup");
        }
    }

    @Test
    void zeroTimeoutOnACompletedStageGivesItsValue() {
        AsyncFuture<String> r = Async.waitFor(AsyncFuture.completed("done"), Duration.ZERO, timer);
        assertThat(r).isCompletedWithValue("done");
    }

    @Test
    void zeroOrNegativeTimeoutCancelsAtOnceOnTheCallingThread() {
        for (Duration timeout : new Duration[] {Duration.ZERO, Duration.ofSeconds(-1)}) {
            AtomicBoolean running = new AtomicBoolean(true);
            AsyncFuture<Void> stage = timer.sleep(Duration.ofHours(1)).whenComplete((v, e) -> running.set(false));

            AsyncFuture<Void> r = Async.waitFor(stage, timeout, timer);

            assertThat(r).isDone();
            assertThat(failure(r)).isInstanceOf(TimeoutException.class);
            assertThat(stage).isCancelled();
            assertThat(running).isFalse();
        }
        assertThat(timer.pendingTasks()).isZero();
    }

    @Test
    void cancellingTheWaitForCancelsTheStageAndRemovesTheTimerTask() {
        AsyncFuture<Void> stage = new AsyncFuture<>();
        AsyncFuture<Void> r = Async.waitFor(stage, Duration.ofMinutes(1), timer);

        r.cancel(false);

        assertThat(r).isCancelled();
        assertThat(stage).isCancelled();
        assertThat(timer.pendingTasks()).isZero();
    }

    @Test
    void aStageCancelledByItsOwnerIsACancellationNotATimeout() {
        AsyncFuture<Void> stage = new AsyncFuture<>();
        AsyncFuture<Void> r = Async.waitFor(stage, Duration.ofMinutes(1), timer);

        stage.cancel(false);

        assertThat(failure(r)).isInstanceOf(CancellationException.class);
        assertThat(timer.pendingTasks()).isZero();
    }

    @Test
    void aShieldedStageKeepsRunningAfterTheTimeout() {
        AsyncFuture<String> inner = new AsyncFuture<>();
        AsyncFuture<String> r = Async.waitFor(Async.shield(inner), Duration.ofMillis(5), timer);

        assertThat(failure(r)).isInstanceOf(TimeoutException.class);
        assertThat(inner).isNotDone();
        inner.complete("later");
        assertThat(inner).isCompletedWithValue("later");
    }

    @Test
    void aForeignStageIsCancelledOnTimeoutAsBestEffort() {
        CompletableFuture<String> plain = new CompletableFuture<>();
        AsyncFuture<String> r = Async.waitFor(plain, Duration.ofMillis(5), timer);
        assertThat(failure(r)).isInstanceOf(TimeoutException.class);
        assertThat(plain).isCancelled();
    }

    @Test
    void theTimeoutCompletesTheResultOnTheCallbackExecutorNeverOnTheTimerThread() {
        AtomicReference<String> thread = new AtomicReference<>();
        AsyncFuture<Void> r = Async.waitFor(new AsyncFuture<Void>(), Duration.ofMillis(5), timer);
        CompletableFuture<Void> seen = r.handle((v, e) -> {
            thread.set(Thread.currentThread().getName());
            return null;
        });
        Outcomes.done(seen);
        assertThat(thread.get()).startsWith("waitfor-cb-");
    }

    @Test
    void aMillionWaitForsCompletingInTimeLeaveNoTaskInTheTimer() {
        for (int i = 0; i < 1_000_000; i++) {
            AsyncFuture<Integer> stage = new AsyncFuture<>();
            AsyncFuture<Integer> r = Async.waitFor(stage, Duration.ofMinutes(10), timer);
            stage.complete(i);
            if (r.getNow(-1) != i) {
                throw new AssertionError("lost value " + i);
            }
        }
        assertThat(timer.pendingTasks()).isZero();
    }

    @Test
    void aValueArrivingAsTheTimerFiresWinsOrTheStageWasCancelled() {
        for (int i = 0; i < 2_000; i++) {
            AsyncFuture<Integer> stage = new AsyncFuture<>();
            AsyncFuture<Integer> r = Async.waitFor(stage, Duration.ofNanos(50_000), timer);
            spin(ThreadLocalRandom.current().nextLong(100_000));
            boolean delivered = stage.settle(i);

            if (delivered) {
                assertThat(value(r)).isEqualTo(i);
            } else { // refused: the timeout's cancel claimed the stage, and completes it on the callback thread
                assertThat(failure(stage)).isInstanceOf(CancellationException.class);
                assertThat(failure(r)).isInstanceOf(TimeoutException.class);
            }
        }
        assertThat(timer.pendingTasks()).isZero();
    }

    /** Busy-waits to vary where the completion lands relative to the timer; not a synchronization. */
    static void spin(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }
}
