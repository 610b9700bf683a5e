package io.asyncio4j.combinators;

import io.asyncio4j.AsyncFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static io.asyncio4j.combinators.Outcomes.failure;
import static io.asyncio4j.combinators.Outcomes.value;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The races of the issue, each run a few thousand times with both sides released together by a barrier:
 * whatever the interleaving, nothing hangs, nothing is lost, and the outcome is one of the allowed ones.
 */
class RacesTest {

    private static final int ROUNDS = 3_000;
    private static ExecutorService other;

    @BeforeAll
    static void startOtherThread() {
        other = Executors.newSingleThreadExecutor();
    }

    @AfterAll
    static void stopOtherThread() throws InterruptedException {
        other.shutdown();
        assertThat(other.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    /** Runs {@code a} on another thread and {@code b} on this one, released together. */
    private static void together(Runnable a, Runnable b) {
        CyclicBarrier start = new CyclicBarrier(2);
        CompletableFuture<Void> done = CompletableFuture.runAsync(() -> {
            await(start);
            a.run();
        }, other);
        await(start);
        b.run();
        value(done);
    }

    @Test
    void cancelDuringCompletionEitherCancelsOrDeliversTheValue() {
        for (int i = 0; i < ROUNDS; i++) {
            AsyncFuture<Integer> stage = new AsyncFuture<>();
            AsyncFuture<Integer> last = stage.thenApply(v -> v + 1);
            boolean[] completed = new boolean[1];
            boolean[] cancelled = new boolean[1];
            int v = i;

            together(() -> completed[0] = stage.settle(v), () -> cancelled[0] = last.cancel(false));

            if (cancelled[0]) {
                assertThat(last).isCancelled();
            } else {
                assertThat(completed[0]).isTrue();
                assertThat(value(last)).isEqualTo(v + 1);
            }
            assertThat(completed[0] ^ stage.isCancelled()).isTrue();
        }
    }

    @Test
    void cancellingAGatherWhileChildrenCompleteLeavesEveryChildDoneOrCancelled() {
        for (int i = 0; i < ROUNDS; i++) {
            AsyncFuture<Integer> a = new AsyncFuture<>();
            AsyncFuture<Integer> b = new AsyncFuture<>();
            AsyncFuture<List<Integer>> g = Async.gather(List.of(a, b));
            int v = i;

            together(() -> {
                a.settle(v);
                b.settle(v);
            }, () -> g.cancel(false));

            assertThat(a).isDone();
            assertThat(b).isDone();
            if (g.isCancelled()) {
                assertThat(failure(g)).isInstanceOf(CancellationException.class);
            } else {
                assertThat(value(g)).containsExactly(v, v);
                assertThat(a.isCancelled() || b.isCancelled()).isFalse();
            }
        }
    }

    @Test
    void cancellingAShieldNeverCancelsTheShieldedStage() {
        for (int i = 0; i < ROUNDS; i++) {
            AsyncFuture<Integer> inner = new AsyncFuture<>();
            AsyncFuture<Integer> shielded = Async.shield(inner);
            int v = i;

            together(() -> inner.settle(v), () -> shielded.cancel(false));

            assertThat(inner).isCompletedWithValue(v);
            assertThat(shielded.isCancelled() || shielded.getNow(-1) == v).isTrue();
        }
    }

    @Test
    void aTaskGroupCancelledWhileAChildFailsCompletesOnceWithEveryChildDone() {
        for (int i = 0; i < ROUNDS; i++) {
            AsyncFuture<Integer> a = new AsyncFuture<>();
            AsyncFuture<Integer> b = new AsyncFuture<>();
            AsyncFuture<Void> g = Async.taskGroup(tg -> {
                tg.spawn(() -> a);
                tg.spawn(() -> b);
                return AsyncFuture.completed(null);
            });

            together(() -> a.settleExceptionally(new IllegalStateException()), () -> g.cancel(false));

            assertThat(b).isCancelled();
            Throwable e = failure(g);
            assertThat(e).isInstanceOfAny(IllegalStateException.class, CancellationException.class);
        }
    }

    @Test
    void waitForRacingItsOwnCancellationNeverHangsNorLeaksATimerTask() {
        AsyncTimer timer = AsyncTimer.create("races-timer", Runnable::run);
        for (int i = 0; i < ROUNDS; i++) {
            AsyncFuture<Integer> stage = new AsyncFuture<>();
            AsyncFuture<Integer> r = Async.waitFor(stage, java.time.Duration.ofMinutes(1), timer);
            int v = i;

            together(() -> stage.settle(v), () -> r.cancel(false));

            if (!r.isCancelled()) {
                assertThat(value(r)).isEqualTo(v);
            }
        }
        assertThat(timer.pendingTasks()).isZero();
        timer.close();
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
