package io.asyncio4j.combinators;

import io.asyncio4j.AsyncFuture;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Ports of CPython's test_locks.LockTests, plus the races a multi-threaded lock adds. */
class AsyncLockTest {

    @Test
    void newLockIsUnlocked() {
        AsyncLock lock = new AsyncLock();
        assertThat(lock.isLocked()).isFalse();
        assertThat(lock.toString()).isEqualTo("AsyncLock[unlocked]");
    }

    @Test
    void acquireOfUnlockedLockCompletesAtOnce() {
        AsyncLock lock = new AsyncLock();
        AsyncFuture<Void> f = lock.acquire();
        assertThat(f).isCompleted();
        assertThat(lock.isLocked()).isTrue();
    }

    @Test
    void waitersGetTheLockInFifoOrder() {
        AsyncLock lock = new AsyncLock();
        List<Integer> result = new ArrayList<>();
        lock.acquire();
        AsyncFuture<Void> t1 = lock.acquire().thenRun(() -> result.add(1));
        AsyncFuture<Void> t2 = lock.acquire().thenRun(() -> result.add(2));
        assertThat(result).isEmpty();

        lock.release();
        assertThat(result).containsExactly(1);
        AsyncFuture<Void> t3 = lock.acquire().thenRun(() -> result.add(3));

        lock.release();
        assertThat(result).containsExactly(1, 2);
        lock.release();
        assertThat(result).containsExactly(1, 2, 3);
        assertThat(List.of(t1, t2, t3)).allMatch(CompletableFuture::isDone);
        assertThat(lock.isLocked()).isTrue();
    }

    @Test
    void tryAcquireDoesNotOvertakeWaiters() {
        AsyncLock lock = new AsyncLock();
        lock.acquire();
        AsyncFuture<Void> waiter = lock.acquire();
        lock.release(); // handed to the waiter, not freed
        assertThat(waiter).isCompleted();
        assertThat(lock.tryAcquire()).isFalse();
        lock.release();
        assertThat(lock.tryAcquire()).isTrue();
    }

    @Test
    void cancelledAcquireLeavesTheQueue() {
        AsyncLock lock = new AsyncLock();
        lock.acquire();
        AsyncFuture<Void> waiter = lock.acquire();
        assertThat(lock.queueLength()).isEqualTo(1);

        assertThat(waiter.cancel(false)).isTrue();

        assertThat(waiter).isCancelled();
        assertThat(lock.queueLength()).isZero();
        lock.release();
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void releaseSkipsACancelledWaiter() { // test_cancel_race / test_finished_waiter_cancelled
        AsyncLock lock = new AsyncLock();
        lock.acquire();
        AsyncFuture<Void> b = lock.acquire();
        AsyncFuture<Void> c = lock.acquire();

        b.cancel(false);
        lock.release();

        assertThat(b).isCancelled();
        assertThat(c).isCompleted();
        assertThat(lock.isLocked()).isTrue();
    }

    @Test
    void cancelThenReleaseHandsTheLockToExactlyOneWaiter() { // test_cancel_release_race (bpo-32734)
        AsyncLock lock = new AsyncLock();
        AtomicInteger lockCount = new AtomicInteger();
        lock.acquire();
        AsyncFuture<Void> t1 = lock.acquire();
        AsyncFuture<Void> t2 = lock.acquire();
        AsyncFuture<Void> t3 = lock.acquire();
        List.of(t1, t2, t3).forEach(t -> t.thenRun(lockCount::incrementAndGet));

        t1.cancel(false);
        lock.release();

        assertThat(lockCount).hasValue(1);
        assertThat(t1).isCancelled();
        assertThat(t2).isCompleted();
        assertThat(t3).isNotDone();
        t3.cancel(false);
        assertThat(lock.queueLength()).isZero();
    }

    @Test
    void waiterCancelledAsItIsWokenPassesTheLockOn() {
        AsyncLock lock = new AsyncLock();
        lock.acquire();
        AsyncFuture<Void> woken = lock.acquire();
        AsyncFuture<Void> next = lock.acquire();

        // Inside a wake-up (a continuation of another waiter), the hand-over is queued: cancelling the waiter
        // now lands between "the lock is handed to it" and "its future is completed".
        Wakeups.run(() -> {
            lock.release();
            assertThat(woken.isDone()).isFalse();
            assertThat(woken.cancel(false)).isTrue();
        });

        assertThat(woken).isCancelled();
        assertThat(next).isCompleted();
        assertThat(lock.isLocked()).isTrue();
        lock.release();
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void waiterCancelledAsItIsWokenWithNobodyBehindUnlocks() {
        AsyncLock lock = new AsyncLock();
        lock.acquire();
        AsyncFuture<Void> woken = lock.acquire();

        Wakeups.run(() -> {
            lock.release();
            woken.cancel(false);
        });

        assertThat(lock.isLocked()).isFalse();
        assertThat(lock.tryAcquire()).isTrue();
    }

    @Test
    void cancellingAnAcquiredFutureDoesNothing() {
        AsyncLock lock = new AsyncLock();
        lock.acquire();
        AsyncFuture<Void> waiter = lock.acquire();
        lock.release();

        assertThat(waiter.cancel(false)).isFalse();
        assertThat(lock.isLocked()).isTrue();
    }

    @Test
    void anAcquireThatTimesOutInWaitForLeavesTheQueue() {
        AsyncLock lock = new AsyncLock();
        lock.acquire();
        AsyncFuture<Void> timed = Async.waitFor(lock.acquire(), Duration.ofMillis(5));
        assertThatThrownBy(timed::join).hasCauseInstanceOf(TimeoutException.class);
        lock.release(); // skips the timed-out waiter even if its removal (on the timer thread) is still running
        assertThat(lock.isLocked()).isFalse();
        BridgeQueueTest.awaitTrue(() -> lock.queueLength() == 0);
    }

    @Test
    void releaseOfUnlockedLockFails() {
        AsyncLock lock = new AsyncLock();
        assertThatThrownBy(lock::release).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not locked");
    }

    @Test
    void releaseWithoutWaitersUnlocks() {
        AsyncLock lock = new AsyncLock();
        lock.acquire();
        lock.release();
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void withLockHoldsTheLockForTheBodyAndReleasesAfterIt() { // test_context_manager
        AsyncLock lock = new AsyncLock();
        CompletableFuture<String> body = new CompletableFuture<>();
        AsyncFuture<String> result = lock.withLock(() -> {
            assertThat(lock.isLocked()).isTrue();
            return body;
        });
        assertThat(lock.isLocked()).isTrue();

        body.complete("done");

        assertThat(result).isCompletedWithValue("done");
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void withLockReleasesWhenTheBodyFails() {
        AsyncLock lock = new AsyncLock();
        IllegalStateException boom = new IllegalStateException("boom");
        AsyncFuture<Object> failedStage = lock.withLock(() -> CompletableFuture.failedFuture(boom));
        AsyncFuture<Object> thrown = lock.withLock(() -> {
            throw boom;
        });
        AsyncFuture<Object> nullStage = lock.withLock(() -> null);

        assertThat(failedStage).isCompletedExceptionally();
        assertThatThrownBy(failedStage::join).hasCause(boom);
        assertThatThrownBy(thrown::join).hasCause(boom);
        assertThatThrownBy(nullStage::join).hasCauseInstanceOf(NullPointerException.class);
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void withLockCancelledWhileWaitingNeverRunsTheBody() {
        AsyncLock lock = new AsyncLock();
        lock.acquire();
        AtomicInteger ran = new AtomicInteger();
        AsyncFuture<Object> result = lock.withLock(() -> {
            ran.incrementAndGet();
            return CompletableFuture.completedFuture(null);
        });

        result.cancel(false);
        lock.release();

        assertThat(ran).hasValue(0);
        assertThat(lock.isLocked()).isFalse();
        assertThat(lock.queueLength()).isZero();
    }

    @Test
    void withLockCancelledWhileTheBodyRunsCancelsTheBodyAndReleases() {
        AsyncLock lock = new AsyncLock();
        AsyncFuture<String> body = new AsyncFuture<>();
        AsyncFuture<String> result = lock.withLock(() -> body);

        result.cancel(false);

        assertThat(body).isCancelled();
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void withLockCancelledAsTheLockArrivesReleasesItWithoutRunningTheBody() {
        AsyncLock lock = new AsyncLock();
        lock.acquire();
        AtomicInteger ran = new AtomicInteger();
        AsyncFuture<Object> result = lock.withLock(() -> {
            ran.incrementAndGet();
            return new AsyncFuture<>();
        });

        Wakeups.run(() -> {
            lock.release();
            result.cancel(false);
        });

        assertThat(ran).hasValue(0);
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void withLockReportsADoubleReleaseByTheBody() {
        AsyncLock lock = new AsyncLock();
        AsyncFuture<Object> result = lock.withLock(() -> {
            lock.release();
            return CompletableFuture.completedFuture("x");
        });
        assertThatThrownBy(result::join).hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void aLongChainOfWaitersDoesNotGrowTheStack() {
        AsyncLock lock = new AsyncLock();
        lock.acquire();
        int n = 100_000;
        AtomicInteger ran = new AtomicInteger();
        List<AsyncFuture<Integer>> results = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            results.add(lock.withLock(() -> CompletableFuture.completedFuture(ran.incrementAndGet())));
        }

        lock.release(); // each body completes at once and releases to the next: 100k hand-overs in a row

        assertThat(ran).hasValue(n);
        assertThat(results.get(n - 1)).isCompletedWithValue(n);
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void cancellationExceptionReachesTheWaiter() {
        AsyncLock lock = new AsyncLock();
        lock.acquire();
        AsyncFuture<Void> waiter = lock.acquire();
        AsyncFuture<String> after = waiter.handle((v, e) -> e == null ? "acquired" : e.getClass().getSimpleName());
        waiter.cancel(false);
        assertThat(after).isCompletedWithValue(CancellationException.class.getSimpleName());
    }
}
