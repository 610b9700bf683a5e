package io.asyncio4j.combinators;

import io.asyncio4j.AsyncFuture;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Ports of CPython's test_locks.ConditionTests. */
class AsyncConditionTest {

    /** Starts a waiter that acquires the lock, waits, records {@code id} and keeps the lock. */
    private static AsyncFuture<Void> waiter(AsyncCondition cond, List<Integer> result, int id) {
        return cond.acquire().thenCompose(v -> cond.await()).thenRun(() -> result.add(id));
    }

    @Test
    void signalledWaitersProceedOneLockHolderAtATime() { // test_wait
        AsyncCondition cond = new AsyncCondition();
        List<Integer> result = new ArrayList<>();
        AsyncFuture<Void> t1 = waiter(cond, result, 1);
        AsyncFuture<Void> t2 = waiter(cond, result, 2);
        AsyncFuture<Void> t3 = waiter(cond, result, 3);
        assertThat(result).isEmpty();
        assertThat(cond.isLocked()).isFalse();
        assertThat(cond.queueLength()).isEqualTo(3);

        assertThat(cond.acquire()).isCompleted();
        cond.signal();
        assertThat(result).isEmpty(); // signalled, but the lock is still ours
        assertThat(cond.isLocked()).isTrue();

        cond.release();
        assertThat(result).containsExactly(1);
        assertThat(cond.isLocked()).isTrue(); // t1 holds it now

        cond.signal(2);
        assertThat(result).containsExactly(1);
        cond.release();
        assertThat(result).containsExactly(1, 2);
        cond.release();
        assertThat(result).containsExactly(1, 2, 3);
        assertThat(cond.isLocked()).isTrue();
        assertThat(List.of(t1, t2, t3)).allMatch(AsyncFuture::isDone);
    }

    @Test
    void cancelledWaitLeavesTheQueueAndDoesNotHoldTheLock() { // test_wait_cancel (see class doc: differs)
        AsyncCondition cond = new AsyncCondition();
        cond.acquire();
        AsyncFuture<Void> wait = cond.await();
        assertThat(cond.isLocked()).isFalse();

        wait.cancel(false);

        assertThat(cond.queueLength()).isZero();
        assertThat(cond.isLocked()).isFalse();
    }

    @Test
    void waitCancelledWhileReacquiringTheLockGivesUpTheLock() { // test_wait_cancel_after_notify (bpo-32841)
        AsyncCondition cond = new AsyncCondition();
        cond.acquire();
        AsyncFuture<Void> wait = cond.await();
        cond.acquire();
        cond.signal(); // the waiter now waits for the lock
        assertThat(cond.queueLength()).isZero();
        assertThat(cond.lock().queueLength()).isEqualTo(1);

        wait.cancel(false);
        cond.release();

        assertThat(wait).isCancelled();
        assertThat(cond.isLocked()).isFalse();
        assertThat(cond.lock().queueLength()).isZero();
    }

    @Test
    void waitCompletesHoldingTheLockWhenNotCancelled() { // test_wait_cancel_contested
        AsyncCondition cond = new AsyncCondition();
        cond.acquire();
        AsyncFuture<Void> wait = cond.await();
        cond.acquire();
        cond.signal();
        cond.release();
        assertThat(wait).isCompleted();
        assertThat(cond.isLocked()).isTrue();
    }

    @Test
    void aWaitThatTimesOutInWaitForWithdrawsAndGivesUpTheLock() { // test_timeout_in_block
        AsyncCondition cond = new AsyncCondition();
        cond.acquire();
        AsyncFuture<Void> timed = Async.waitFor(cond.await(), Duration.ofMillis(5));
        assertThatThrownBy(timed::join).hasCauseInstanceOf(TimeoutException.class);
        assertThat(cond.isLocked()).isFalse();
        BridgeQueueTest.awaitTrue(() -> cond.queueLength() == 0); // removed on the timer thread
    }

    @Test
    void waitOnAnUnacquiredLockFails() { // test_wait_unacquired
        AsyncCondition cond = new AsyncCondition();
        assertThatThrownBy(cond::await).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("un-acquired");
        assertThatThrownBy(() -> cond.waitFor(() -> false)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void signalOnAnUnacquiredLockFails() { // test_notify_unacquired, test_notify_all_unacquired
        AsyncCondition cond = new AsyncCondition();
        assertThatThrownBy(cond::signal).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(cond::signalAll).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void waitForReturnsOnlyOnceThePredicateHolds() { // test_wait_for
        AsyncCondition cond = new AsyncCondition();
        AtomicBoolean presult = new AtomicBoolean();
        List<Integer> result = new ArrayList<>();
        AsyncFuture<Void> t = cond.acquire().thenCompose(v -> cond.waitFor(presult::get)).thenRun(() -> {
            result.add(1);
            cond.release();
        });
        assertThat(result).isEmpty();

        cond.acquire();
        cond.signal();
        cond.release();
        assertThat(result).isEmpty();

        presult.set(true);
        cond.acquire();
        cond.signal();
        cond.release();
        assertThat(result).containsExactly(1);
        assertThat(t).isCompleted();
        assertThat(cond.isLocked()).isFalse();
    }

    @Test
    void waitForWithATruePredicateCompletesAtOnce() {
        AsyncCondition cond = new AsyncCondition();
        cond.acquire();
        assertThat(cond.waitFor(() -> true)).isCompleted();
        assertThat(cond.isLocked()).isTrue();
    }

    @Test
    void waitForReleasesTheLockWhenThePredicateThrows() {
        AsyncCondition cond = new AsyncCondition();
        cond.acquire();
        IllegalStateException boom = new IllegalStateException("boom");
        AsyncFuture<Void> f = cond.waitFor(() -> {
            throw boom;
        });
        assertThatThrownBy(f::join).hasCause(boom);
        assertThat(cond.isLocked()).isFalse();
    }

    @Test
    void signalWakesAtMostNWaiters() { // test_notify
        AsyncCondition cond = new AsyncCondition();
        List<Integer> result = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            int id = i;
            cond.acquire().thenCompose(v -> cond.await()).thenRun(() -> {
                result.add(id);
                cond.release();
            });
        }
        cond.acquire();
        cond.signal(1);
        cond.release();
        assertThat(result).containsExactly(1);

        cond.acquire();
        cond.signal(1);
        cond.signal(2048);
        cond.release();
        assertThat(result).containsExactly(1, 2, 3);
    }

    @Test
    void signalAllWakesEveryWaiter() { // test_notify_all
        AsyncCondition cond = new AsyncCondition();
        List<Integer> result = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            int id = i;
            cond.acquire().thenCompose(v -> cond.await()).thenRun(() -> {
                result.add(id);
                cond.release();
            });
        }
        cond.acquire();
        cond.signalAll();
        cond.release();
        assertThat(result).containsExactly(1, 2);
    }

    @Test
    void conditionsMayShareALock() { // test_explicit_lock
        AsyncLock lock = new AsyncLock();
        AsyncCondition cond = new AsyncCondition(lock);
        assertThat(cond.lock()).isSameAs(lock);
        lock.acquire();
        assertThat(cond.isLocked()).isTrue();
        cond.release();
        assertThat(lock.isLocked()).isFalse();
    }

    /** test_cancelled_wakeup: a consumer cancelled as it is signalled must not swallow the signal. */
    @Test
    void aSignalToAWaiterCancelledBeforeItRunsPassesToTheNext() {
        SignalRace race = new SignalRace();
        race.cond.signal(1);
        race.first.cancel(false); // cancelled after being signalled, before it got the lock

        race.releaseAndExpectTheUnitConsumed();
        assertThat(race.second).isNotDone(); // it consumed the unit and waits for the next
    }

    /** The same race, with the cancellation landing between the signal's decision and its delivery. */
    @Test
    void aSignalToAWaiterCancelledAsItIsSignalledPassesToTheNext() {
        SignalRace race = new SignalRace();
        Wakeups.run(() -> {
            race.cond.signal(1);
            race.first.cancel(false);
        });

        race.releaseAndExpectTheUnitConsumed();
    }

    /** test_cancelled_wakeup_relock: cancelled while re-acquiring the lock after the signal. */
    @Test
    void aSignalToAWaiterCancelledWhileReacquiringPassesToTheNext() {
        SignalRace race = new SignalRace();
        race.cond.signal(1);
        assertThat(race.cond.lock().queueLength()).isEqualTo(1); // the first consumer waits for the lock
        race.first.cancel(false);

        race.releaseAndExpectTheUnitConsumed();
    }

    /** Two consumers wait on a condition for a unit of state; the test holds the lock, having added one unit. */
    private static final class SignalRace {
        final AsyncCondition cond = new AsyncCondition();
        final AtomicInteger state = new AtomicInteger();
        final AsyncFuture<Void> first = consumer(cond, state);
        final AsyncFuture<Void> second = consumer(cond, state);

        SignalRace() {
            cond.acquire();
            state.incrementAndGet();
        }

        /** Releases the lock; the unit must then be consumed, by the consumer not cancelled, and the lock free. */
        void releaseAndExpectTheUnitConsumed() {
            cond.release();
            assertThat(state).hasValue(0);
            assertThat(cond.isLocked()).isFalse();
        }
    }

    /** Consumes state units forever: {@code async with cond: while True: await wait_for(state != 0); state -= 1}. */
    private static AsyncFuture<Void> consumer(AsyncCondition cond, AtomicInteger state) {
        return cond.acquire().thenCompose(v -> Async.whileTrue(() -> cond.waitFor(() -> state.get() != 0)
                .thenApply(x -> {
                    state.decrementAndGet();
                    return true;
                })));
    }

    @Test
    void aLongChainOfSignalledWaitersDoesNotGrowTheStack() {
        AsyncCondition cond = new AsyncCondition();
        int n = 20_000;
        AtomicInteger woken = new AtomicInteger();
        for (int i = 0; i < n; i++) {
            cond.acquire().thenCompose(v -> cond.await()).thenRun(() -> {
                woken.incrementAndGet();
                cond.release();
            });
        }
        cond.acquire();
        cond.signalAll();
        cond.release();
        assertThat(woken).hasValue(n);
        assertThat(cond.isLocked()).isFalse();
    }
}
