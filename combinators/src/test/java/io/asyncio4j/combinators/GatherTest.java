package io.asyncio4j.combinators;

import io.asyncio4j.AsyncFuture;
import io.vavr.Tuple;
import io.vavr.Tuple2;
import io.vavr.Tuple8;
import io.vavr.control.Try;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

import static io.asyncio4j.combinators.Outcomes.failure;
import static io.asyncio4j.combinators.Outcomes.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Ported from CPython's test_tasks.py GatherTests: ordering, failure, cancellation. */
class GatherTest {

    @Test
    void resultsComeInArgumentOrderNotCompletionOrder() {
        AsyncFuture<String> a = new AsyncFuture<>();
        AsyncFuture<String> b = new AsyncFuture<>();
        AsyncFuture<String> c = new AsyncFuture<>();
        AsyncFuture<List<String>> g = Async.gather(List.of(a, b, c));

        c.complete("c");
        b.complete("b");
        assertThat(g).isNotDone();
        a.complete("a");

        assertThat(value(g)).containsExactly("a", "b", "c");
    }

    @Test
    void emptyGatherCompletesAtOnceWithAnEmptyList() {
        assertThat(Async.<String>gather(List.of())).isCompletedWithValue(List.of());
    }

    @Test
    void completedStagesAreGatheredOnTheCallingThread() {
        AsyncFuture<List<Integer>> g = Async.gather(List.of(AsyncFuture.completed(1),
                CompletableFuture.completedFuture(2)));
        assertThat(g).isCompletedWithValue(List.of(1, 2));
    }

    @Test
    void nullValuesAreKept() {
        AsyncFuture<List<String>> g = Async.gather(List.of(AsyncFuture.completed(null), AsyncFuture.completed("x")));
        assertThat(value(g)).containsExactly(null, "x");
    }

    @Test
    void theResultListIsUnmodifiable() {
        List<Integer> list = value(Async.gather(List.of(AsyncFuture.completed(1))));
        assertThatThrownBy(() -> list.set(0, 2)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void firstFailureFailsTheGatherWhileTheOthersKeepRunning() {
        AsyncFuture<Integer> a = new AsyncFuture<>();
        AsyncFuture<Integer> b = new AsyncFuture<>();
        AsyncFuture<List<Integer>> g = Async.gather(List.of(a, b));
        IllegalStateException boom = new IllegalStateException("boom");

        a.completeExceptionally(boom);

        assertThat(failure(g)).isSameAs(boom);
        assertThat(b).isNotDone();
        b.complete(2);
        assertThat(b).isCompletedWithValue(2);
    }

    @Test
    void theFirstFailureInCompletionOrderWins() {
        AsyncFuture<Integer> a = new AsyncFuture<>();
        AsyncFuture<Integer> b = new AsyncFuture<>();
        AsyncFuture<List<Integer>> g = Async.gather(List.of(a, b));
        RuntimeException first = new RuntimeException("first");

        b.completeExceptionally(first);
        a.completeExceptionally(new RuntimeException("second"));

        assertThat(failure(g)).isSameAs(first);
    }

    @Test
    void failuresAreUnwrapped() {
        AsyncFuture<Integer> source = new AsyncFuture<>();
        AsyncFuture<Integer> failing = source.thenApply(v -> {
            throw new ArithmeticException("1/0");
        });
        AsyncFuture<List<Integer>> g = Async.gather(List.of(failing));

        source.complete(1);

        assertThat(failure(g)).isInstanceOf(ArithmeticException.class).hasMessage("1/0");
    }

    @Test
    void aChildCancelledByItsOwnerFailsTheGatherWithCancellation() {
        AsyncFuture<Integer> a = new AsyncFuture<>();
        AsyncFuture<Integer> b = new AsyncFuture<>();
        AsyncFuture<List<Integer>> g = Async.gather(List.of(a, b));

        a.cancel(false);

        assertThat(failure(g)).isInstanceOf(CancellationException.class);
        assertThat(b).isNotDone();
    }

    @Test
    void cancellingTheGatherCancelsEveryUnfinishedChild() {
        AsyncFuture<Integer> done = AsyncFuture.completed(1);
        AsyncFuture<Integer> pending = new AsyncFuture<>();
        AsyncTimer timer = AsyncTimer.create("gather-cancel", Runnable::run);
        try {
            AsyncFuture<Void> sleeping = timer.sleep(Duration.ofHours(1));
            AsyncFuture<List<Object>> g = Async.gather(List.of(done, pending, sleeping));

            assertThat(g.cancel(false)).isTrue();

            assertThat(g).isCancelled();
            assertThat(pending).isCancelled();
            assertThat(sleeping).isCancelled();
            assertThat(done).isCompletedWithValue(1);
            assertThat(timer.pendingTasks()).isZero();
        } finally {
            timer.close();
        }
    }

    @Test
    void aCancelledGatherCompletesOnceTheCleanupOfItsChildrenHasSettled() {
        // asyncio's _GatheringFuture: cancel() cancels the children; the gather is cancelled when the last is done.
        List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        AsyncFuture<Void> cleanup = new AsyncFuture<>();
        AsyncFuture<Integer> plain = new AsyncFuture<>();
        AsyncFuture<Integer> cleaning = CleanupStages.reraisingAfter(new AsyncFuture<>(), cleanup, events,
                new CompletableFuture<>());
        AsyncFuture<List<Integer>> g = Async.gather(List.of(plain, cleaning));

        assertThat(g.cancel(false)).isTrue();

        assertThat(plain).isCancelled();
        assertThat(g).isNotDone();
        cleanup.settle(null);
        assertThat(g).isCancelled();
        assertThat(events).containsExactly("cancelled", "cleanup");
    }

    @Test
    void cancellingAGatherAgainCancelsTheCleanupOfItsChildren() {
        List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        AsyncFuture<Void> cleanup = new AsyncFuture<>();
        AsyncFuture<Integer> cleaning = CleanupStages.reraisingAfter(new AsyncFuture<>(), cleanup, events,
                new CompletableFuture<>());
        AsyncFuture<List<Try<Integer>>> g = Async.gatherReturnExceptions(List.of(cleaning));
        g.cancel(false);

        assertThat(g.cancel(false)).isTrue();

        assertThat(cleanup).isCancelled();
        assertThat(g).isCancelled();
        assertThat(events).containsExactly("cancelled");
    }

    @Test
    void returnExceptionsCollectsEveryOutcomeAsTry() {
        AsyncFuture<Integer> a = new AsyncFuture<>();
        AsyncFuture<Integer> b = new AsyncFuture<>();
        AsyncFuture<Integer> c = new AsyncFuture<>();
        AsyncFuture<List<Try<Integer>>> g = Async.gatherReturnExceptions(List.of(a, b, c));
        IllegalStateException boom = new IllegalStateException("boom");

        b.completeExceptionally(boom);
        c.cancel(false);
        assertThat(g).isNotDone();
        a.complete(1);

        List<Try<Integer>> results = value(g);
        assertThat(results.get(0)).isEqualTo(Try.success(1));
        assertThat(results.get(1).getCause()).isSameAs(boom);
        assertThat(results.get(2).getCause()).isInstanceOf(CancellationException.class);
    }

    @Test
    void returnExceptionsUnwrapsFailures() {
        AsyncFuture<Integer> source = new AsyncFuture<>();
        AsyncFuture<Integer> failing = source.thenApply(v -> {
            throw new ArithmeticException();
        });
        AsyncFuture<List<Try<Integer>>> g = Async.gatherReturnExceptions(List.of(failing,
                AsyncFuture.failed(new IllegalStateException())));
        source.complete(1);

        List<Try<Integer>> results = value(g);
        assertThat(results.get(0).getCause()).isInstanceOf(ArithmeticException.class);
        assertThat(results.get(1).getCause()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void returnExceptionsDoesNotSwallowTheCallersOwnCancellation() {
        AsyncFuture<Integer> a = new AsyncFuture<>();
        AsyncFuture<List<Try<Integer>>> g = Async.gatherReturnExceptions(List.of(a));

        g.cancel(false);

        assertThat(g).isCancelled();
        assertThat(a).isCancelled();
    }

    @Test
    void typedGatherReturnsATuple() {
        AsyncFuture<String> s = new AsyncFuture<>();
        AsyncFuture<Tuple2<String, Integer>> g = Async.gather(s, AsyncFuture.completed(2));
        s.complete("one");
        assertThat(value(g)).isEqualTo(Tuple.of("one", 2));
    }

    @Test
    void typedGatherOfEightKeepsEachType() {
        AsyncFuture<Tuple8<Integer, String, Boolean, Long, Double, Character, Byte, Short>> g = Async.gather(
                AsyncFuture.completed(1), AsyncFuture.completed("2"), AsyncFuture.completed(true),
                AsyncFuture.completed(4L), AsyncFuture.completed(5.0), AsyncFuture.completed('6'),
                AsyncFuture.completed((byte) 7), AsyncFuture.completed((short) 8));
        Tuple8<Integer, String, Boolean, Long, Double, Character, Byte, Short> t = value(g);
        assertThat(t._1).isEqualTo(1);
        assertThat(t._2).isEqualTo("2");
        assertThat(t._8).isEqualTo((short) 8);
    }

    @Test
    void typedGatherFailsFastAndCancelsOnCancel() {
        AsyncFuture<String> a = new AsyncFuture<>();
        AsyncFuture<Integer> b = new AsyncFuture<>();
        AsyncFuture<Tuple2<String, Integer>> g = Async.gather(a, b);
        g.cancel(false);
        assertThat(a).isCancelled();
        assertThat(b).isCancelled();

        AsyncFuture<Integer> c = new AsyncFuture<>();
        AsyncFuture<Tuple2<String, Integer>> h = Async.gather(AsyncFuture.failed(new IllegalStateException()), c);
        assertThat(failure(h)).isInstanceOf(IllegalStateException.class);
        assertThat(c).isNotDone();
    }

    @Test
    void theSameStageTwiceGivesItsValueTwice() {
        AsyncFuture<Integer> a = new AsyncFuture<>();
        AsyncFuture<List<Integer>> g = Async.gather(Arrays.asList(a, a));
        a.complete(7);
        assertThat(value(g)).containsExactly(7, 7);
    }

    @Test
    void foreignStagesAreAdopted() {
        CompletableFuture<Integer> plain = new CompletableFuture<>();
        AsyncFuture<List<Integer>> g = Async.gather(List.of(plain.minimalCompletionStage(), plain));
        plain.complete(3);
        assertThat(value(g)).containsExactly(3, 3);
    }
}
