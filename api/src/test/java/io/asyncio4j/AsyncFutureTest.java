package io.asyncio4j;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AsyncFutureTest {

    @Test
    void cancelRunsRegisteredActionsOnceInReverseOrder() {
        List<String> ran = new ArrayList<>();
        AsyncFuture<String> f = new AsyncFuture<String>().onCancel(() -> ran.add("first")).onCancel(() -> ran.add("second"));

        assertThat(f.cancel(false)).isTrue();
        assertThat(f.cancel(false)).as("already cancelled, as CompletableFuture reports it").isTrue();

        assertThat(ran).containsExactly("second", "first");
        assertThat(f.isCancelled()).isTrue();
    }

    @Test
    void manyActionsAndTheSameActionTwiceAllRunNewestFirst() {
        List<String> ran = new ArrayList<>();
        Runnable twice = () -> ran.add("twice");
        AsyncFuture<String> f = new AsyncFuture<String>().onCancel(twice).onCancel(() -> ran.add("second"))
                .onCancel(twice).onCancel(() -> ran.add("fourth"));

        f.cancel(false);

        assertThat(ran).containsExactly("fourth", "twice", "second", "twice");
    }

    @Test
    void actionRegisteredAfterCancelRunsAtOnce() {
        AsyncFuture<String> f = new AsyncFuture<>();
        f.cancel(true);
        AtomicInteger ran = new AtomicInteger();

        f.onCancel(ran::incrementAndGet);

        assertThat(ran).hasValue(1);
    }

    @Test
    void settledFutureIsNotCancelledAndRunsNoAction() {
        AtomicInteger ran = new AtomicInteger();
        AsyncFuture<String> f = new AsyncFuture<String>().onCancel(ran::incrementAndGet);
        assertThat(f.settle("done")).isTrue();

        assertThat(f.cancel(false)).isFalse();
        assertThat(ran).hasValue(0);
        assertThat(f.join()).isEqualTo("done");
    }

    @Test
    void constructorActionRunsOnCancelAfterLaterRegisteredOnes() {
        List<String> ran = new ArrayList<>();
        AsyncFuture<String> f = new AsyncFuture<String>(() -> ran.add("constructor")).onCancel(() -> ran.add("later"));

        assertThat(f.cancel(false)).isTrue();
        f.cancel(false);

        assertThat(ran).as("newest first, once").containsExactly("later", "constructor");
    }

    @Test
    void constructorActionDoesNotRunWhenTheOperationSettles() {
        AtomicInteger ran = new AtomicInteger();
        AsyncFuture<String> f = new AsyncFuture<>(ran::incrementAndGet);
        f.settle("done");

        assertThat(f.cancel(true)).isFalse();
        assertThat(ran).hasValue(0);
    }

    @Test
    void constructorRejectsANullAction() {
        assertThatThrownBy(() -> new AsyncFuture<String>((Runnable) null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("onCancel");
    }

    @Test
    void completingExceptionallyFromOutsideRunsTheActionOnce() {
        AtomicInteger ran = new AtomicInteger();
        AsyncFuture<String> f = new AsyncFuture<String>().onCancel(ran::incrementAndGet);

        assertThat(f.completeExceptionally(new CancellationException())).isTrue();
        assertThat(f.cancel(false)).isTrue();

        assertThat(ran).hasValue(1);
    }

    @Test
    void cancellingDependentCancelsSourceThroughEveryCompositionMethod() {
        AsyncFuture<Integer> source = new AsyncFuture<>();
        AtomicInteger sourceCancelled = new AtomicInteger();
        source.onCancel(sourceCancelled::incrementAndGet);
        AtomicReference<Throwable> cleanup = new AtomicReference<>();

        CompletableFuture<Object> last = source
                .thenApply(x -> x + 1)
                .whenComplete((v, e) -> cleanup.set(e))
                .handle((v, e) -> {
                    if (e != null) {
                        throw new CompletionException(e);
                    }
                    return v;
                })
                .thenAccept(v -> { })
                .thenRun(() -> { })
                .exceptionally(e -> {
                    throw new CompletionException(e);
                })
                .thenApply(v -> (Object) v);

        assertThat(last).isInstanceOf(AsyncFuture.class);
        last.cancel(false);

        assertThat(source.isCancelled()).isTrue();
        assertThat(sourceCancelled).hasValue(1);
        assertThat(cleanup.get()).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(CancellationException.class);
        assertThat(last.isCancelled()).isTrue();
        assertThatThrownBy(last::join).isInstanceOf(CancellationException.class);
    }

    @Test
    void cleanupStageThatIsCancelledItselfStillRuns() {
        AsyncFuture<String> io = new AsyncFuture<>();
        AtomicReference<Throwable> cleanup = new AtomicReference<>();
        AsyncFuture<String> last = io.whenComplete((v, e) -> cleanup.set(e));

        assertThat(last.cancel(false)).isTrue();

        assertThat(io.isCancelled()).isTrue();
        assertThat(cleanup.get()).isInstanceOf(CancellationException.class);
        assertThat(last.isCancelled()).isTrue();
    }

    @Test
    void stageThatRecoversFromCancellationSuppressesIt() {
        AsyncFuture<String> io = new AsyncFuture<>();
        AsyncFuture<String> recovered = io.exceptionally(e -> "recovered");

        assertThat(recovered.cancel(false)).isFalse();

        assertThat(io.isCancelled()).isTrue();
        assertThat(recovered.join()).isEqualTo("recovered");
    }

    @Test
    void cancellingComposedFutureCancelsTheInnerStageInFlight() {
        AsyncFuture<String> outer = new AsyncFuture<>();
        AsyncFuture<String> inner = new AsyncFuture<>();
        AsyncFuture<String> composed = outer.thenCompose(v -> inner);
        outer.complete("go");
        assertThat(composed).isNotDone();

        composed.cancel(false);

        assertThat(inner.isCancelled()).isTrue();
    }

    @Test
    void innerStageReturnedAfterCancellationIsCancelledToo() {
        AsyncFuture<String> outer = new AsyncFuture<>();
        AsyncFuture<String> inner = new AsyncFuture<>();
        AsyncFuture<String> composed = outer.thenCompose(v -> inner);
        composed.cancel(false);

        // The source was cancelled too, so the function never runs and the inner stage is never created.
        assertThat(outer.isCancelled()).isTrue();
        assertThat(inner).isNotDone();
    }

    @Test
    void exceptionallyComposeCancelsItsRecoveryStage() {
        AsyncFuture<String> failing = AsyncFuture.failed(new IllegalStateException("boom"));
        AsyncFuture<String> recovery = new AsyncFuture<>();
        AsyncFuture<String> composed = failing.exceptionallyCompose(e -> recovery);

        composed.cancel(false);

        assertThat(recovery.isCancelled()).isTrue();
    }

    @Test
    void nestedPipelineCancelsDeepestStage() {
        AsyncFuture<Integer> io = new AsyncFuture<>();
        AsyncFuture<Integer> pipeline = AsyncFuture.completed(1)
                .thenCompose(a -> AsyncFuture.completed(a).thenCompose(b -> io.thenApply(c -> b + c)));

        pipeline.cancel(false);

        assertThat(io.isCancelled()).isTrue();
    }

    @Test
    void adoptedForeignStageIsCancelledBestEffort() {
        CompletableFuture<String> foreign = new CompletableFuture<>();
        AsyncFuture<String> adopted = AsyncFuture.of(foreign);

        adopted.cancel(false);

        assertThat(foreign.isCancelled()).isTrue();
    }

    @Test
    void adoptedMinimalStageRefusingCancelIsLeftAlone() {
        CompletableFuture<String> foreign = new CompletableFuture<>();
        AsyncFuture<String> adopted = AsyncFuture.of(foreign.minimalCompletionStage());

        assertThat(adopted.cancel(false)).isTrue();
        foreign.complete("late");
        assertThat(adopted.isCancelled()).isTrue();
    }

    @Test
    void adoptingAnAsyncFutureReturnsIt() {
        AsyncFuture<String> f = new AsyncFuture<>();
        assertThat(AsyncFuture.of(f)).isSameAs(f);
    }

    @Test
    void actionFailureIsRethrownAfterAllActionsRan() {
        AtomicInteger ran = new AtomicInteger();
        AsyncFuture<String> f = new AsyncFuture<String>()
                .onCancel(ran::incrementAndGet)
                .onCancel(() -> {
                    throw new IllegalStateException("action failed");
                });

        assertThatThrownBy(() -> f.cancel(false)).hasMessage("action failed");
        assertThat(ran).hasValue(1);
        assertThat(f.isCancelled()).isTrue();
    }

    @Test
    void dependentOfCancelledSourceSeesWrappedCancellation() {
        AsyncFuture<String> source = new AsyncFuture<>();
        AsyncFuture<String> dep = source.thenApply(s -> s);
        source.cancel(false);

        assertThatThrownBy(dep::join).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(CancellationException.class);
    }

    @Test
    void concurrentCancelAndRegistrationRunEachActionExactlyOnce() throws Exception {
        for (int round = 0; round < 2_000; round++) {
            AsyncFuture<String> f = new AsyncFuture<>();
            AtomicInteger ran = new AtomicInteger();
            Thread registrar = new Thread(() -> {
                for (int i = 0; i < 50; i++) {
                    f.onCancel(ran::incrementAndGet);
                }
            });
            registrar.start();
            f.cancel(false);
            registrar.join();
            assertThat(ran).hasValue(50);
        }
    }

    @Test
    void doneCallbacksRunInRegistrationOrderAndSurviveAThrowingOne() {
        List<String> ran = new ArrayList<>();
        AsyncFuture<String> f = new AsyncFuture<>();
        f.addDoneCallback((v, e) -> ran.add("1:" + v));
        f.addDoneCallback((v, e) -> {
            ran.add("2:" + v);
            throw new IllegalStateException("dropped");
        });
        f.addDoneCallback((v, e) -> ran.add("3:" + v));

        f.complete("x");
        f.addDoneCallback((v, e) -> ran.add("late:" + v));

        assertThat(ran).containsExactly("1:x", "2:x", "3:x", "late:x");
    }

    @Test
    void doneCallbacksSeeTheFailureAsStored() {
        AtomicReference<Throwable> seen = new AtomicReference<>();
        AsyncFuture<String> f = new AsyncFuture<>();
        f.addDoneCallback((v, e) -> seen.set(e));
        IllegalStateException boom = new IllegalStateException("boom");

        f.completeExceptionally(boom);

        assertThat(seen.get()).isSameAs(boom);
    }

    @Test
    void taskFutureCompletedFromOutsideRunsTheRequestOnceAndCompletesAtOnce() {
        AtomicInteger requests = new AtomicInteger();
        AsyncFuture<String> task = AsyncFuture.forTask(requests::incrementAndGet);

        assertThat(task.complete("given up")).isTrue();

        assertThat(task).isCompletedWithValue("given up");
        assertThat(requests).hasValue(1);
        assertThat(task.settle("late")).isFalse();
    }

    @Test
    void taskFutureStaysPendingAfterACancelRequestUntilTheTaskSettlesIt() {
        AtomicInteger requests = new AtomicInteger();
        AsyncFuture<String> task = AsyncFuture.forTask(requests::incrementAndGet);

        assertThat(task.cancel(false)).isTrue();
        assertThat(task.cancel(false)).isTrue();

        assertThat(task).isNotDone();
        assertThat(requests).hasValue(2);
        assertThat(task.settleExceptionally(new CancellationException())).isTrue();
        assertThat(task).isCancelled();
    }

    @Test
    void aSecondGiveUpWaitsForTheFirstOnesActionsBeforeAnythingCompletes() throws Exception {
        for (int round = 0; round < 200; round++) {
            java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch proceed = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.atomic.AtomicBoolean actionDone = new java.util.concurrent.atomic.AtomicBoolean();
            AsyncFuture<String> op = new AsyncFuture<>(() -> {
                started.countDown();
                try {
                    proceed.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                actionDone.set(true);
            });
            List<String> early = java.util.Collections.synchronizedList(new ArrayList<>());
            op.whenComplete((v, e) -> {
                if (!actionDone.get()) {
                    early.add("a dependent ran before the operation let go");
                }
            });
            AsyncFuture<String> first = op.thenApply(v -> v);
            AsyncFuture<String> second = op.thenApply(v -> v);
            Thread a = new Thread(() -> first.cancel(false));
            a.start();
            started.await();
            Thread b = new Thread(() -> second.completeExceptionally(new IllegalStateException("given up")));
            b.start();
            while (b.getState() == Thread.State.NEW) {
                Thread.onSpinWait();
            }
            proceed.countDown();
            a.join();
            b.join();
            assertThat(early).isEmpty();
            assertThat(op).isCancelled();
        }
    }

    @Test
    void aThrowingActionUnderADerivedStageStillGivesEverythingUp() {
        AsyncFuture<String> op = new AsyncFuture<>(() -> {
            throw new IllegalStateException("action failed");
        });
        AsyncFuture<String> stage = op.thenApply(v -> v);

        assertThatThrownBy(() -> stage.cancel(false)).hasMessage("action failed");

        assertThat(op).isCancelled();
        assertThat(stage).isCompletedExceptionally();
        assertThat(op.settle("late")).isFalse();
    }

    @Test
    void aStageWaitingForTwoSourcesCanBeGivenUpWhileTheOtherIsPending() {
        AsyncFuture<String> done = AsyncFuture.completed("x");
        CompletableFuture<String> other = new CompletableFuture<>();
        AsyncFuture<String> combined = done.thenCombine(other, (a, b) -> a + b);
        assertThat(combined.cancel(false)).isTrue();
        assertThat(combined).isCancelled();

        AsyncFuture<String> pending = new AsyncFuture<>();
        AsyncFuture<Void> both = pending.runAfterBoth(other, () -> { });
        assertThat(both.completeExceptionally(new IllegalStateException("given up"))).isTrue();
        assertThat(pending).as("this future is given up with it").isCancelled();
        assertThat(other).as("the other source is not ours").isNotDone();
    }

    @Test
    void givingUpTheEndOfALongChainDoesNotGrowTheStack() {
        AsyncFuture<Integer> op = new AsyncFuture<>();
        AsyncFuture<Integer> tail = op;
        for (int i = 0; i < 20_000; i++) {
            tail = tail.thenApply(x -> x + 1);
        }
        assertThat(tail.cancel(false)).isTrue();
        assertThat(op).isCancelled();

        AsyncFuture<Integer> leaf = new AsyncFuture<>();
        AsyncFuture<Integer> loop = AsyncFuture.completed(0);
        for (int i = 0; i < 5_000; i++) {
            AsyncFuture<Integer> last = i == 4_999 ? leaf : AsyncFuture.completed(i);
            loop = loop.thenCompose(x -> last);
        }
        assertThat(loop.completeExceptionally(new IllegalStateException("given up"))).isTrue();
        assertThat(leaf).isCancelled();
    }
}
