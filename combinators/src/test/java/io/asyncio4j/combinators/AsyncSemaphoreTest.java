package io.asyncio4j.combinators;

import io.asyncio4j.AsyncFuture;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Ports of CPython's test_locks.SemaphoreTests and BoundedSemaphore tests. */
class AsyncSemaphoreTest {

    @Test
    void initialValueZeroIsLocked() {
        assertThat(new AsyncSemaphore(0).isLocked()).isTrue();
    }

    @Test
    void negativeInitialValueIsRefused() {
        assertThatThrownBy(() -> new AsyncSemaphore(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BoundedSemaphore(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void acquireTakesFreePermitsThenWaitsInFifoOrder() { // test_acquire
        AsyncSemaphore sem = new AsyncSemaphore(3);
        List<Integer> result = new ArrayList<>();
        assertThat(sem.acquire()).isCompleted();
        assertThat(sem.acquire()).isCompleted();
        assertThat(sem.isLocked()).isFalse();

        sem.acquire().thenRun(() -> result.add(1));
        AsyncFuture<Void> t2 = sem.acquire().thenRun(() -> result.add(2));
        AsyncFuture<Void> t3 = sem.acquire().thenRun(() -> result.add(3));
        assertThat(result).containsExactly(1);
        assertThat(sem.isLocked()).isTrue();
        assertThat(sem.queueLength()).isEqualTo(2);

        AsyncFuture<Void> t4 = sem.acquire().thenRun(() -> result.add(4));
        sem.release();
        sem.release();

        assertThat(result).containsExactly(1, 2, 3);
        assertThat(sem.availablePermits()).isZero();
        assertThat(sem.queueLength()).isEqualTo(1);
        assertThat(t2).isDone();
        assertThat(t3).isDone();
        sem.release();
        assertThat(t4).isDone();
    }

    @Test
    void cancelledAcquireLeavesTheQueue() { // test_acquire_cancel
        AsyncSemaphore sem = new AsyncSemaphore(1);
        sem.acquire();
        AsyncFuture<Void> waiter = sem.acquire();
        waiter.cancel(false);
        assertThat(sem.queueLength()).isZero();
        sem.release();
        assertThat(sem.availablePermits()).isEqualTo(1);
    }

    @Test
    void cancelledWaitersBeforeTheReleaseAreSkipped() { // test_acquire_cancel_before_awoken
        AsyncSemaphore sem = new AsyncSemaphore(0);
        AsyncFuture<Void> t1 = sem.acquire();
        AsyncFuture<Void> t2 = sem.acquire();
        AsyncFuture<Void> t3 = sem.acquire();
        AsyncFuture<Void> t4 = sem.acquire();

        t1.cancel(false);
        t2.cancel(false);
        sem.release();

        assertThat(t3).isCompleted();
        assertThat(t4).isNotDone();
        t4.cancel(false);
        assertThat(sem.availablePermits()).isZero();
    }

    @Test
    void releaseAfterACancelledWaiterDoesNotHang() { // test_acquire_hang
        AsyncSemaphore sem = new AsyncSemaphore(0);
        AsyncFuture<Void> t1 = sem.acquire();
        AsyncFuture<Void> t2 = sem.acquire();
        t1.cancel(false);
        sem.release();
        assertThat(t2).isCompleted();
        assertThat(sem.isLocked()).isTrue();
    }

    @Test
    void aNewcomerNeverOvertakesAWaiter() { // test_acquire_fifo_order_*
        AsyncSemaphore sem = new AsyncSemaphore(1);
        sem.acquire();
        AsyncFuture<Void> first = sem.acquire();
        sem.release();
        assertThat(first).isCompleted();
        assertThat(sem.tryAcquire()).isFalse();
        AsyncFuture<Void> second = sem.acquire();
        assertThat(second).isNotDone();
        sem.release();
        assertThat(second).isCompleted();
    }

    @Test
    void waiterCancelledAsItIsWokenPassesThePermitOn() {
        AsyncSemaphore sem = new AsyncSemaphore(0);
        AsyncFuture<Void> woken = sem.acquire();
        AsyncFuture<Void> next = sem.acquire();

        Wakeups.run(() -> {
            sem.release();
            woken.cancel(false);
        });

        assertThat(woken).isCancelled();
        assertThat(next).isCompleted();
        assertThat(sem.availablePermits()).isZero();
        sem.release();
        assertThat(sem.availablePermits()).isEqualTo(1);
    }

    @Test
    void permitOfAWaiterCancelledAsItIsWokenGoesBackToThePool() {
        AsyncSemaphore sem = new AsyncSemaphore(0);
        AsyncFuture<Void> woken = sem.acquire();

        Wakeups.run(() -> {
            sem.release();
            woken.cancel(false);
        });

        assertThat(sem.availablePermits()).isEqualTo(1);
        assertThat(sem.queueLength()).isZero();
    }

    @Test
    void unboundedSemaphoreMayBeReleasedBeyondItsInitialValue() {
        AsyncSemaphore sem = new AsyncSemaphore(1);
        sem.release();
        assertThat(sem.availablePermits()).isEqualTo(2);
    }

    @Test
    void withPermitReleasesAfterTheBody() {
        AsyncSemaphore sem = new AsyncSemaphore(1);
        CompletableFuture<Integer> body = new CompletableFuture<>();
        AsyncFuture<Integer> result = sem.withPermit(() -> body);
        assertThat(sem.availablePermits()).isZero();
        body.complete(7);
        assertThat(result).isCompletedWithValue(7);
        assertThat(sem.availablePermits()).isEqualTo(1);
    }

    @Test
    void boundedSemaphoreRefusesAReleaseAboveItsInitialValue() { // test_release_not_acquired
        BoundedSemaphore sem = new BoundedSemaphore(2);
        sem.acquire();
        sem.release();
        assertThatThrownBy(sem::release).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("released too many times");
        assertThat(sem.availablePermits()).isEqualTo(2);
    }

    @Test
    void boundedSemaphoreHandsReleasesToWaiters() {
        BoundedSemaphore sem = new BoundedSemaphore(1);
        sem.acquire();
        AsyncFuture<Void> waiter = sem.acquire();
        sem.release();
        assertThat(waiter).isCompleted();
        sem.release();
        assertThatThrownBy(sem::release).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void boundedSemaphoreTakesBackThePermitOfAWaiterCancelledAsItIsWoken() {
        BoundedSemaphore sem = new BoundedSemaphore(1);
        sem.acquire();
        AsyncFuture<Void> woken = sem.acquire();

        Wakeups.run(() -> {
            sem.release();
            woken.cancel(false);
        });

        assertThat(sem.availablePermits()).isEqualTo(1);
        assertThatThrownBy(sem::release).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void toStringShowsStateAndWaiters() {
        AsyncSemaphore sem = new AsyncSemaphore(1);
        assertThat(sem).hasToString("AsyncSemaphore[unlocked, permits:1]");
        sem.acquire();
        sem.acquire();
        assertThat(sem).hasToString("AsyncSemaphore[locked, waiters:1]");
    }
}
