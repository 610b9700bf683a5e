package io.asyncio4j.combinators;

import io.asyncio4j.AsyncFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static io.asyncio4j.combinators.Outcomes.failure;
import static io.asyncio4j.combinators.Outcomes.value;
import static org.assertj.core.api.Assertions.assertThat;

/** Ported from CPython's test_tasks.py as_completed tests. */
class AsCompletedTest {

    private final AsyncTimer timer = AsyncTimer.create("as-completed-timer", Runnable::run);

    @AfterEach
    void closeTimer() {
        timer.close();
    }

    @Test
    void outcomesArriveInCompletionOrder() {
        AsyncFuture<String> a = new AsyncFuture<>();
        AsyncFuture<String> b = new AsyncFuture<>();
        AsyncFuture<String> c = new AsyncFuture<>();
        List<AsyncFuture<String>> order = Async.asCompleted(List.of(a, b, c));

        c.complete("c");
        b.completeExceptionally(new IllegalStateException("b"));
        a.complete("a");

        assertThat(value(order.get(0))).isEqualTo("c");
        assertThat(failure(order.get(1))).isInstanceOf(IllegalStateException.class).hasMessage("b");
        assertThat(value(order.get(2))).isEqualTo("a");
    }

    @Test
    void alreadyCompletedStagesComeFirstInArgumentOrder() {
        AsyncFuture<String> pending = new AsyncFuture<>();
        List<AsyncFuture<String>> order = Async.asCompleted(List.of(pending, AsyncFuture.completed("x"),
                AsyncFuture.completed("y")));
        assertThat(order.get(0)).isCompletedWithValue("x");
        assertThat(order.get(1)).isCompletedWithValue("y");
        assertThat(order.get(2)).isNotDone();
    }

    @Test
    void theTimeoutFailsTheRemainingFuturesAndCancelsNoStage() {
        AsyncFuture<String> a = new AsyncFuture<>();
        AsyncFuture<String> b = AsyncFuture.completed("b");
        List<AsyncFuture<String>> order = Async.asCompleted(List.of(a, b), Duration.ofMillis(5), timer);

        assertThat(value(order.get(0))).isEqualTo("b");
        assertThat(failure(order.get(1))).isInstanceOf(TimeoutException.class);
        assertThat(a).isNotDone();
        a.complete("late");
        assertThat(failure(order.get(1))).isInstanceOf(TimeoutException.class);
    }

    @Test
    void anUnusedTimeoutIsRemovedFromTheTimer() {
        AsyncFuture<String> a = new AsyncFuture<>();
        List<AsyncFuture<String>> order = Async.asCompleted(List.of(a), Duration.ofMinutes(1), timer);
        assertThat(timer.pendingTasks()).isEqualTo(1);
        a.complete("a");
        assertThat(value(order.get(0))).isEqualTo("a");
        assertThat(timer.pendingTasks()).isZero();
    }

    @Test
    void duplicatesCountOnce() {
        AsyncFuture<String> a = new AsyncFuture<>();
        List<AsyncFuture<String>> order = Async.asCompleted(Arrays.asList(a, a));
        assertThat(order).hasSize(1);
    }

    @Test
    void emptyInputGivesNoFutures() {
        assertThat(Async.<String>asCompleted(List.of())).isEmpty();
    }

    @Test
    void concurrentCompletionsFillEverySlotOnce() throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<AsyncFuture<Integer>> stages = new ArrayList<>();
            for (int i = 0; i < 1_000; i++) {
                stages.add(new AsyncFuture<>());
            }
            List<AsyncFuture<Integer>> order = Async.asCompleted(stages);
            for (int i = 0; i < stages.size(); i++) {
                int v = i;
                pool.execute(() -> stages.get(v).complete(v));
            }
            List<Integer> seen = new ArrayList<>();
            for (AsyncFuture<Integer> f : order) {
                seen.add(value(f));
            }
            assertThat(seen).hasSize(1_000).doesNotHaveDuplicates();
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
