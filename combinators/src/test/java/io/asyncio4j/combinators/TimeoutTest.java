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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static io.asyncio4j.combinators.Outcomes.failure;
import static io.asyncio4j.combinators.Outcomes.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Ported from CPython's test_timeouts.py: deadline scopes, rescheduling, nesting, foreign failures. */
class TimeoutTest {

    private final ExecutorService callbacks = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "timeout-cb");
        t.setDaemon(true);
        return t;
    });
    private final AsyncTimer timer = AsyncTimer.create("timeout-timer", callbacks);

    @AfterEach
    void closeTimer() {
        timer.close();
    }

    @Test
    void anExpiredScopeCancelsTheStageInFlightAndFailsWithTimeoutException() {
        AtomicReference<Timeout> scope = new AtomicReference<>();
        AtomicReference<AsyncFuture<Void>> inFlight = new AtomicReference<>();
        AtomicReference<Throwable> cleanup = new AtomicReference<>();

        AsyncFuture<Void> r = Async.timeout(Duration.ofMillis(10), t -> {
            scope.set(t);
            inFlight.set(timer.sleep(Duration.ofHours(1)));
            return inFlight.get().whenComplete((v, e) -> cleanup.set(e));
        }, timer);

        Throwable e = failure(r);
        assertThat(e).isInstanceOf(TimeoutException.class).hasCauseInstanceOf(CancellationException.class);
        assertThat(scope.get().expired()).isTrue();
        assertThat(inFlight.get()).isCancelled();
        assertThat(cleanup.get()).isInstanceOf(CancellationException.class);
        assertThat(timer.pendingTasks()).isZero();
    }

    @Test
    void anExpiredScopeFailsWithTimeoutExceptionOnlyAfterTheCleanupTheBodyStarted() {
        // async with asyncio.timeout(0.005):
        //     try: await asyncio.sleep(3600)
        //     except asyncio.CancelledError: await cleanup; raise
        List<String> events = new CopyOnWriteArrayList<>();
        AsyncFuture<Void> cleanup = new AsyncFuture<>();
        CompletableFuture<Void> cancelSeen = new CompletableFuture<>();
        AtomicReference<Timeout> scope = new AtomicReference<>();
        try (CleanupStages.SerialTimer serial = new CleanupStages.SerialTimer()) {
            AsyncFuture<String> r = Async.timeout(Duration.ofMillis(5), t -> {
                scope.set(t);
                return CleanupStages.reraisingAfter(serial.timer.sleep(Duration.ofHours(1), "never"), cleanup,
                        events, cancelSeen);
            }, serial.timer);
            value(cancelSeen);
            serial.drain(); // the expiry has returned, with the cleanup in flight

            assertThat(r).isNotDone();
            assertThat(cleanup).isNotDone();
            assertThat(scope.get()).hasToString("Timeout[expiring]");
            cleanup.settle(null);

            assertThat(failure(r)).isInstanceOf(TimeoutException.class)
                    .hasCauseInstanceOf(CancellationException.class);
            assertThat(events).containsExactly("cancelled", "cleanup");
            assertThat(scope.get()).hasToString("Timeout[expired]");
        }
    }

    @Test
    void anExpiredScopeWhoseBodyRecoversKeepsTheBodysValue() {
        List<String> events = new CopyOnWriteArrayList<>();
        AsyncFuture<String> cleanup = new AsyncFuture<>();
        CompletableFuture<Void> cancelSeen = new CompletableFuture<>();
        AtomicReference<Timeout> scope = new AtomicReference<>();
        AsyncFuture<String> r = Async.timeout(Duration.ofMillis(5), t -> {
            scope.set(t);
            return CleanupStages.recoveringWith(timer.sleep(Duration.ofHours(1), "never"), cleanup, events,
                    cancelSeen);
        }, timer);
        value(cancelSeen);
        cleanup.settle("recovered");

        assertThat(value(r)).isEqualTo("recovered");
        assertThat(scope.get().expired()).isTrue();
    }

    @Test
    void cancellingAnExpiredScopeWhileItsBodyCleansUpCancelsTheCleanup() {
        List<String> events = new CopyOnWriteArrayList<>();
        AsyncFuture<Void> cleanup = new AsyncFuture<>();
        CompletableFuture<Void> cancelSeen = new CompletableFuture<>();
        try (CleanupStages.SerialTimer serial = new CleanupStages.SerialTimer()) {
            AsyncFuture<String> r = Async.timeout(Duration.ofMillis(5), t -> CleanupStages.reraisingAfter(
                    serial.timer.sleep(Duration.ofHours(1), "never"), cleanup, events, cancelSeen), serial.timer);
            value(cancelSeen);
            serial.drain(); // the expiry has returned: the cleanup stage is the one in flight

            assertThat(r.cancel(false)).isTrue();

            assertThat(cleanup).isCancelled();
            assertThat(r).isCancelled(); // the caller's cancellation, not a timeout, as in asyncio
            assertThat(events).containsExactly("cancelled");
        }
    }

    @Test
    void cancellingTheScopeWaitsForTheCleanupOfItsBody() {
        List<String> events = new CopyOnWriteArrayList<>();
        AsyncFuture<Void> cleanup = new AsyncFuture<>();
        AtomicReference<Timeout> scope = new AtomicReference<>();
        AsyncFuture<String> r = Async.timeout(Duration.ofMinutes(1), t -> {
            scope.set(t);
            return CleanupStages.reraisingAfter(timer.sleep(Duration.ofHours(1), "never"), cleanup, events,
                    new CompletableFuture<>());
        }, timer);

        assertThat(r.cancel(false)).isTrue();

        assertThat(r).isNotDone();
        assertThat(timer.pendingTasks()).isZero(); // the deadline is gone: it cannot cancel the cleanup
        cleanup.settle(null);
        assertThat(r).isCancelled();
        assertThat(events).containsExactly("cancelled", "cleanup");
        assertThat(scope.get().expired()).isFalse();
    }

    @Test
    void givingTheScopeUpFromOutsideCompletesItAtOnce() {
        AsyncFuture<Void> body = timer.sleep(Duration.ofHours(1));
        AsyncFuture<Void> r = Async.timeout(Duration.ofMinutes(1), t -> body, timer);

        r.orTimeout(1, TimeUnit.MILLISECONDS);

        assertThat(failure(r)).isInstanceOf(TimeoutException.class).hasNoCause();
        assertThat(body).isCancelled();
        assertThat(timer.pendingTasks()).isZero();
    }

    @Test
    void timeoutAtKeepsTheGivenDeadline() {
        long deadline = timer.nanoTime() + Duration.ofMillis(10).toNanos();
        AtomicReference<Timeout> scope = new AtomicReference<>();
        AsyncFuture<Void> r = Async.timeoutAt(deadline, t -> {
            scope.set(t);
            return new AsyncFuture<Void>();
        }, timer);

        assertThat(failure(r)).isInstanceOf(TimeoutException.class);
        assertThat(scope.get().expired()).isTrue();
        assertThat(scope.get().when()).hasValue(deadline);
    }

    @Test
    void aBodyFinishingInTimeKeepsItsValueAndRemovesTheTimerTask() {
        AtomicReference<Timeout> scope = new AtomicReference<>();
        AsyncFuture<String> r = Async.timeout(Duration.ofMinutes(1), t -> {
            scope.set(t);
            return timer.sleep(Duration.ofMillis(1), "done");
        }, timer);

        assertThat(value(r)).isEqualTo("done");
        assertThat(scope.get().expired()).isFalse();
        assertThat(scope.get().when()).isPresent();
        assertThat(scope.get()).hasToString("Timeout[finished]");
        assertThat(timer.pendingTasks()).isZero();
    }

    @Test
    void aScopeWithoutDeadlineNeverExpires() {
        AtomicReference<Timeout> scope = new AtomicReference<>();
        AsyncFuture<String> inner = new AsyncFuture<>();
        AsyncFuture<String> r = Async.timeout(Duration.ofHours(1), t -> {
            scope.set(t);
            t.removeDeadline();
            return inner;
        }, timer);

        assertThat(scope.get().when()).isEmpty();
        assertThat(scope.get()).hasToString("Timeout[active, when=none]");
        assertThat(timer.pendingTasks()).isZero();
        inner.complete("slow but fine");

        assertThat(value(r)).isEqualTo("slow but fine");
        assertThat(scope.get().expired()).isFalse();
    }

    @Test
    void zeroAndPastDeadlinesExpireAtOnce() {
        for (Duration d : new Duration[] {Duration.ZERO, Duration.ofSeconds(-11)}) {
            AtomicReference<Timeout> scope = new AtomicReference<>();
            AsyncFuture<Void> r = Async.timeout(d, t -> {
                scope.set(t);
                return timer.sleep(Duration.ofHours(1));
            }, timer);
            assertThat(failure(r)).isInstanceOf(TimeoutException.class);
            assertThat(scope.get().expired()).isTrue();
        }
    }

    @Test
    void aFailureOfTheBodyPassesThroughAndDoesNotExpire() {
        AtomicReference<Timeout> scope = new AtomicReference<>();
        AsyncFuture<Void> r = Async.timeout(Duration.ofMinutes(1), t -> {
            scope.set(t);
            return AsyncFuture.failed(new IllegalArgumentException("key"));
        }, timer);

        assertThat(failure(r)).isInstanceOf(IllegalArgumentException.class);
        assertThat(scope.get().expired()).isFalse();
        assertThat(timer.pendingTasks()).isZero();
    }

    @Test
    void aBodyThatThrowsFailsTheScope() {
        AsyncFuture<Void> r = Async.timeout(Duration.ofMinutes(1), t -> {
            throw new IllegalStateException("sync");
        }, timer);
        assertThat(failure(r)).isInstanceOf(IllegalStateException.class).hasMessage("sync");
        assertThat(timer.pendingTasks()).isZero();
    }

    @Test
    void aForeignCancellationIsNotATimeoutWhenNotExpired() {
        AtomicReference<Timeout> scope = new AtomicReference<>();
        AsyncFuture<Void> inner = new AsyncFuture<>();
        AsyncFuture<Void> r = Async.timeout(Duration.ofMinutes(1), t -> {
            scope.set(t);
            return inner;
        }, timer);

        inner.cancel(false);

        assertThat(failure(r)).isInstanceOf(CancellationException.class);
        assertThat(scope.get().expired()).isFalse();
    }

    @Test
    void cancellingTheScopeCancelsTheBodyAndIsNotATimeout() {
        AtomicReference<Timeout> scope = new AtomicReference<>();
        AsyncFuture<Void> inner = timer.sleep(Duration.ofHours(1));
        AsyncFuture<Void> r = Async.timeout(Duration.ofMinutes(1), t -> {
            scope.set(t);
            return inner;
        }, timer);

        r.cancel(false);

        assertThat(inner).isCancelled();
        assertThat(scope.get().expired()).isFalse();
        assertThat(timer.pendingTasks()).isZero();
    }

    @Test
    void rescheduleMovesTheDeadlineWhileRunning() {
        CompletableFuture<Timeout> entered = new CompletableFuture<>();
        AsyncFuture<Void> inner = new AsyncFuture<>();
        long deadline1 = timer.nanoTime() + Duration.ofSeconds(10).toNanos();
        AsyncFuture<Void> r = Async.timeoutAt(deadline1, t -> {
            entered.complete(t);
            return inner;
        }, timer);
        Timeout cm = value(entered);

        assertThat(cm.when()).hasValue(deadline1);
        long deadline2 = deadline1 + Duration.ofSeconds(20).toNanos();
        cm.rescheduleAt(deadline2);
        assertThat(cm.when()).hasValue(deadline2);
        assertThat(timer.pendingTasks()).isEqualTo(1);
        cm.removeDeadline();
        assertThat(cm.when()).isEmpty();
        assertThat(timer.pendingTasks()).isZero();

        r.cancel(false);
        assertThat(failure(r)).isInstanceOf(CancellationException.class);
        assertThat(cm.expired()).isFalse();
    }

    @Test
    void reschedulingToNowExpiresTheScope() {
        CompletableFuture<Timeout> entered = new CompletableFuture<>();
        AsyncFuture<Void> r = Async.timeout(Duration.ofHours(1), t -> {
            entered.complete(t);
            return new AsyncFuture<Void>();
        }, timer);

        value(entered).reschedule(Duration.ZERO);

        assertThat(failure(r)).isInstanceOf(TimeoutException.class);
    }

    @Test
    void reschedulingAFinishedOrExpiredScopeIsRefused() {
        AtomicReference<Timeout> finished = new AtomicReference<>();
        value(Async.timeout(Duration.ofMinutes(1), t -> {
            finished.set(t);
            return AsyncFuture.completed(1);
        }, timer));
        assertThatThrownBy(() -> finished.get().reschedule(Duration.ofSeconds(1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("finished");

        AtomicReference<Timeout> expired = new AtomicReference<>();
        failure(Async.timeout(Duration.ZERO, t -> {
            expired.set(t);
            return new AsyncFuture<Void>();
        }, timer));
        assertThatThrownBy(() -> expired.get().removeDeadline())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("expired");
        assertThat(expired.get()).hasToString("Timeout[expired]");
    }

    @Test
    void onlyTheOutermostExpiredScopeReportsATimeout() {
        AtomicReference<AsyncFuture<Void>> innerScope = new AtomicReference<>();
        AtomicBoolean innerCancelled = new AtomicBoolean();
        AsyncFuture<Void> outer = Async.timeout(Duration.ofMillis(10), t1 -> {
            innerScope.set(Async.timeout(Duration.ofHours(1), t2 -> timer.sleep(Duration.ofHours(1)), timer));
            return innerScope.get().whenComplete((v, e) -> innerCancelled.set(e instanceof CancellationException));
        }, timer);

        assertThat(failure(outer)).isInstanceOf(TimeoutException.class);
        assertThat(innerScope.get()).isCancelled();
        assertThat(innerCancelled).isTrue();
        assertThat(timer.pendingTasks()).isZero();
    }

    @Test
    void anInnerScopeThatExpiresFirstIsHandledInsideTheOuterOne() {
        AsyncFuture<String> outer = Async.timeout(Duration.ofMinutes(1), t1 ->
                Async.timeout(Duration.ofMillis(5), t2 -> timer.sleep(Duration.ofHours(1)), timer)
                        .handle((v, e) -> e instanceof TimeoutException ? "inner timed out" : "?"), timer);

        assertThat(value(outer)).isEqualTo("inner timed out");
    }

    @Test
    void aShieldedStageSurvivesTheExpiry() {
        AsyncFuture<String> precious = new AsyncFuture<>();
        AsyncFuture<String> r = Async.timeout(Duration.ofMillis(5), t -> Async.shield(precious), timer);

        assertThat(failure(r)).isInstanceOf(TimeoutException.class);
        assertThat(precious).isNotDone();
    }
}
