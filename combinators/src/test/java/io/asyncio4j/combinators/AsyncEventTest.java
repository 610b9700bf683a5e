package io.asyncio4j.combinators;

import io.asyncio4j.AsyncFuture;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Ports of CPython's test_locks.EventTests. */
class AsyncEventTest {

    @Test
    void setWakesEveryWaiterInOrder() { // test_wait
        AsyncEvent ev = new AsyncEvent();
        assertThat(ev.isSet()).isFalse();
        List<Integer> result = new ArrayList<>();
        AsyncFuture<Void> t1 = ev.whenSet().thenRun(() -> result.add(1));
        AsyncFuture<Void> t2 = ev.whenSet().thenRun(() -> result.add(2));
        AsyncFuture<Void> t3 = ev.whenSet().thenRun(() -> result.add(3));
        assertThat(result).isEmpty();

        ev.set();

        assertThat(result).containsExactly(1, 2, 3);
        assertThat(List.of(t1, t2, t3)).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
        assertThat(ev.queueLength()).isZero();
    }

    @Test
    void whenSetOnASetEventCompletesAtOnce() { // test_wait_on_set
        AsyncEvent ev = new AsyncEvent();
        ev.set();
        assertThat(ev.whenSet()).isCompleted();
    }

    @Test
    void cancelledWaiterLeavesTheQueue() { // test_wait_cancel
        AsyncEvent ev = new AsyncEvent();
        AsyncFuture<Void> w = ev.whenSet();
        AsyncFuture<Void> other = ev.whenSet();
        w.cancel(false);
        assertThat(ev.queueLength()).isEqualTo(1);
        ev.set();
        assertThat(w).isCancelled();
        assertThat(other).isCompleted();
    }

    @Test
    void clearLowersTheFlag() { // test_clear
        AsyncEvent ev = new AsyncEvent();
        ev.set();
        assertThat(ev.isSet()).isTrue();
        ev.clear();
        assertThat(ev.isSet()).isFalse();
        assertThat(ev.whenSet()).isNotDone();
    }

    @Test
    void aWaiterWokenBySetCompletesEvenIfClearFollows() { // test_clear_with_waiters
        AsyncEvent ev = new AsyncEvent();
        AsyncFuture<Void> w = ev.whenSet();
        ev.set();
        ev.clear();
        assertThat(ev.isSet()).isFalse();
        assertThat(w).isCompleted();
        ev.set();
        ev.set();
        assertThat(ev.queueLength()).isZero();
    }

    @Test
    void toStringShowsState() {
        AsyncEvent ev = new AsyncEvent();
        ev.whenSet();
        assertThat(ev).hasToString("AsyncEvent[unset, waiters:1]");
        ev.set();
        assertThat(ev).hasToString("AsyncEvent[set]");
    }
}
