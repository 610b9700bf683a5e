package io.asyncio4j.combinators;

import io.asyncio4j.AsyncFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.asyncio4j.combinators.Outcomes.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Ported from CPython's test_tasks.py wait tests: return_when, timeout, duplicates, never cancelling. */
class WaitTest {

    private final AsyncTimer timer = AsyncTimer.create("wait-timer", Runnable::run);

    @AfterEach
    void closeTimer() {
        timer.close();
    }

    @Test
    void allCompletedWaitsForEveryStage() {
        AsyncFuture<Integer> a = new AsyncFuture<>();
        AsyncFuture<Integer> b = new AsyncFuture<>();
        AsyncFuture<WaitResult<AsyncFuture<Integer>>> w = Async.wait(List.of(a, b), ReturnWhen.ALL_COMPLETED);

        b.complete(2);
        assertThat(w).isNotDone();
        a.completeExceptionally(new IllegalStateException());

        WaitResult<AsyncFuture<Integer>> r = value(w);
        assertThat(r.done()).containsExactly(a, b);
        assertThat(r.pending()).isEmpty();
    }

    @Test
    void firstCompletedReturnsTheOriginalFuturesAndCancelsNothing() {
        AsyncFuture<Integer> a = new AsyncFuture<>();
        AsyncFuture<Integer> b = new AsyncFuture<>();
        AsyncFuture<WaitResult<AsyncFuture<Integer>>> w = Async.wait(List.of(a, b), ReturnWhen.FIRST_COMPLETED);

        b.complete(2);

        WaitResult<AsyncFuture<Integer>> r = value(w);
        assertThat(r.done()).containsExactly(b);
        assertThat(r.pending()).containsExactly(a);
        assertThat(r.done().iterator().next()).isSameAs(b);
        assertThat(a).isNotDone();
    }

    @Test
    void firstCompletedCountsAFailureOrACancellation() {
        AsyncFuture<Integer> a = new AsyncFuture<>();
        AsyncFuture<Integer> b = new AsyncFuture<>();
        AsyncFuture<WaitResult<AsyncFuture<Integer>>> w = Async.wait(List.of(a, b), ReturnWhen.FIRST_COMPLETED);
        a.cancel(false);
        assertThat(value(w).done()).containsExactly(a);
    }

    @Test
    void stagesAlreadyDoneAreReportedAtOnce() {
        AsyncFuture<Integer> done = AsyncFuture.completed(1);
        AsyncFuture<Integer> pending = new AsyncFuture<>();
        AsyncFuture<WaitResult<AsyncFuture<Integer>>> w = Async.wait(List.of(pending, done),
                ReturnWhen.FIRST_COMPLETED);
        assertThat(w).isDone();
        assertThat(value(w).done()).containsExactly(done);
        assertThat(value(w).pending()).containsExactly(pending);
    }

    @Test
    void firstExceptionReturnsOnTheFirstFailure() {
        AsyncFuture<Integer> a = new AsyncFuture<>();
        AsyncFuture<Integer> b = new AsyncFuture<>();
        AsyncFuture<Integer> c = new AsyncFuture<>();
        AsyncFuture<WaitResult<AsyncFuture<Integer>>> w = Async.wait(List.of(a, b, c), ReturnWhen.FIRST_EXCEPTION);

        a.complete(1);
        assertThat(w).isNotDone();
        b.completeExceptionally(new IllegalStateException());

        WaitResult<AsyncFuture<Integer>> r = value(w);
        assertThat(r.done()).containsExactly(a, b);
        assertThat(r.pending()).containsExactly(c);
    }

    @Test
    void firstExceptionDoesNotCountACancellation() {
        AsyncFuture<Integer> a = new AsyncFuture<>();
        AsyncFuture<Integer> b = new AsyncFuture<>();
        AsyncFuture<WaitResult<AsyncFuture<Integer>>> w = Async.wait(List.of(a, b), ReturnWhen.FIRST_EXCEPTION);

        a.cancel(false);
        assertThat(w).isNotDone();
        b.complete(2);

        assertThat(value(w).pending()).isEmpty();
    }

    @Test
    void firstExceptionWithoutFailuresWaitsForAll() {
        AsyncFuture<Integer> a = new AsyncFuture<>();
        AsyncFuture<WaitResult<AsyncFuture<Integer>>> w = Async.wait(List.of(a, AsyncFuture.completed(1)),
                ReturnWhen.FIRST_EXCEPTION);
        assertThat(w).isNotDone();
        a.complete(2);
        assertThat(value(w).done()).hasSize(2);
    }

    @Test
    void onTimeoutReturnsTheSplitWithoutFailingOrCancelling() {
        AsyncFuture<Integer> a = AsyncFuture.completed(1);
        AsyncFuture<Integer> b = new AsyncFuture<>();
        AsyncFuture<WaitResult<AsyncFuture<Integer>>> w = Async.wait(List.of(a, b), ReturnWhen.ALL_COMPLETED,
                Duration.ofMillis(5), timer);

        WaitResult<AsyncFuture<Integer>> r = value(w);
        assertThat(r.done()).containsExactly(a);
        assertThat(r.pending()).containsExactly(b);
        assertThat(b).isNotDone();
    }

    @Test
    void completingInTimeRemovesTheTimerTask() {
        AsyncFuture<Integer> a = new AsyncFuture<>();
        AsyncFuture<WaitResult<AsyncFuture<Integer>>> w = Async.wait(List.of(a), ReturnWhen.ALL_COMPLETED,
                Duration.ofMinutes(1), timer);
        assertThat(timer.pendingTasks()).isEqualTo(1);
        a.complete(1);
        assertThat(value(w).done()).containsExactly(a);
        assertThat(timer.pendingTasks()).isZero();
    }

    @Test
    void cancellingTheWaitCancelsNoStageAndRemovesTheTimerTask() {
        AsyncFuture<Integer> a = new AsyncFuture<>();
        AsyncFuture<WaitResult<AsyncFuture<Integer>>> w = Async.wait(List.of(a), ReturnWhen.ALL_COMPLETED,
                Duration.ofMinutes(1), timer);
        w.cancel(false);
        assertThat(a).isNotDone();
        assertThat(timer.pendingTasks()).isZero();
    }

    @Test
    void theSameStageTwiceCountsOnce() {
        AsyncFuture<Integer> a = new AsyncFuture<>();
        AsyncFuture<WaitResult<AsyncFuture<Integer>>> w = Async.wait(Arrays.asList(a, a), ReturnWhen.ALL_COMPLETED);
        a.complete(1);
        assertThat(value(w).done()).containsExactly(a);
    }

    @Test
    void plainCompletableFuturesKeepTheirType() {
        CompletableFuture<String> plain = new CompletableFuture<>();
        AsyncFuture<WaitResult<CompletableFuture<String>>> w = Async.wait(List.of(plain), ReturnWhen.ALL_COMPLETED);
        plain.complete("x");
        CompletableFuture<String> back = value(w).done().iterator().next();
        assertThat(back).isSameAs(plain);
    }

    @Test
    void anEmptyCollectionIsRefused() {
        assertThatThrownBy(() -> Async.wait(List.<AsyncFuture<Integer>>of(), ReturnWhen.ALL_COMPLETED))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theSetsAreUnmodifiable() {
        AsyncFuture<Integer> a = AsyncFuture.completed(1);
        WaitResult<AsyncFuture<Integer>> r = value(Async.wait(List.of(a), ReturnWhen.ALL_COMPLETED));
        assertThatThrownBy(() -> r.done().clear()).isInstanceOf(UnsupportedOperationException.class);
    }
}
