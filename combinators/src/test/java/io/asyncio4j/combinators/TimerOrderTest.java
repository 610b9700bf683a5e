package io.asyncio4j.combinators;

import io.asyncio4j.AsyncFuture;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static io.asyncio4j.combinators.Outcomes.failure;
import static io.asyncio4j.combinators.Outcomes.value;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Timer callbacks run as asyncio's do: in deadline order, then in the order they were scheduled, each one finished
 * before the next starts, on the shared timer's worker threads and never on the timer thread. Each scenario is
 * repeated: workers running timer tasks in parallel get the order right only part of the time.
 */
class TimerOrderTest {

    @Test
    void twoSleepsOfTheSameDurationCompleteInTheOrderTheyWereScheduled() {
        // CPython 3.12: two sleep(0.005) tasks created in order finish in order, 200 times out of 200
        for (int round = 0; round < 200; round++) {
            List<Integer> order = Collections.synchronizedList(new ArrayList<>());
            AsyncFuture<Void> first = Async.sleep(Duration.ofMillis(5)).whenComplete((v, e) -> order.add(1));
            AsyncFuture<Void> second = Async.sleep(Duration.ofMillis(5)).whenComplete((v, e) -> order.add(2));

            value(first);
            value(second);

            assertThat(order).as("round %d", round).containsExactly(1, 2);
        }
    }

    @Test
    void nestedTimeoutsOfEqualDelayBothExpireAndTheOuterOneRaises() {
        // CPython 3.12: `async with timeout(0.02) as cm: async with timeout(0.02) as cm2: await Future()`
        // raises TimeoutError from the outer scope, and both cm.expired() and cm2.expired() are true, 20 times of 20
        int rounds = 0;
        for (int attempt = 0; rounds < 20; attempt++) {
            assertThat(attempt).as("attempts for 20 rounds with both deadlines due together").isLessThan(100);
            AtomicReference<Timeout> outer = new AtomicReference<>();
            AtomicReference<Timeout> inner = new AtomicReference<>();
            AtomicLong innerCancelledAt = new AtomicLong();
            AsyncFuture<Void> scope = Async.timeout(Duration.ofMillis(20), cm -> {
                outer.set(cm);
                return Async.timeout(Duration.ofMillis(20), cm2 -> {
                    inner.set(cm2);
                    // Never completes; its cancellation action runs before the inner scope ends, so the time it
                    // reads is no later than the moment the scope decides whether its deadline had passed.
                    return new AsyncFuture<Void>(() -> innerCancelledAt.set(AsyncTimer.shared().nanoTime()));
                });
            });

            Throwable raised = failure(scope);

            assertThat(raised).as("attempt %d", attempt).isInstanceOf(TimeoutException.class);
            assertThat(outer.get().expired()).as("attempt %d: outer expired", attempt).isTrue();
            if (inner.get().when().getAsLong() - innerCancelledAt.get() > 0) {
                // The thread was held up between the two scopes for longer than the timer took to wake: the inner
                // deadline was still ahead when the outer expiry ended it, and asyncio would not say it expired.
                continue;
            }
            assertThat(inner.get().expired()).as("attempt %d: inner expired", attempt).isTrue();
            rounds++;
        }
    }

    @Test
    void timersScheduledOutOfOrderRunInDeadlineOrderEachFinishedBeforeTheNextStarts() {
        Random random = new Random(19);
        int rounds = 0;
        for (int attempt = 0; rounds < 20; attempt++) {
            assertThat(attempt).as("attempts for 20 rounds scheduled before the first deadline").isLessThan(100);
            List<Integer> ids = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                ids.add(i);
            }
            Collections.shuffle(ids, random);
            List<String> events = Collections.synchronizedList(new ArrayList<>());
            List<CompletableFuture<Void>> ran = new ArrayList<>();
            long base = AsyncTimer.shared().nanoTime() + Duration.ofMillis(20).toNanos();
            for (int id : ids) {
                CompletableFuture<Void> done = new CompletableFuture<>();
                ran.add(done);
                Async.callAt(base + id * 1_000L, () -> { // a microsecond apart: all due at the same wake-up
                    events.add("start " + id);
                    events.add("end " + id);
                    done.complete(null);
                });
            }
            boolean scheduledInTime = AsyncTimer.shared().nanoTime() - base < 0;

            ran.forEach(Outcomes::value);

            if (!scheduledInTime) {
                continue; // a task already due when the next was scheduled rightly ran first: the round proves nothing
            }
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                expected.add("start " + i);
                expected.add("end " + i);
            }
            assertThat(events).as("attempt %d, scheduled as %s", attempt, ids).isEqualTo(expected);
            rounds++;
        }
    }

    @Test
    void timerCallbacksNeverRunOnTheTimerThread() {
        CompletableFuture<String> thread = new CompletableFuture<>();
        Async.callLater(Duration.ZERO, () -> thread.complete(Thread.currentThread().getName()));

        assertThat(value(thread)).startsWith("asyncio4j-timer-callback-");
    }
}
