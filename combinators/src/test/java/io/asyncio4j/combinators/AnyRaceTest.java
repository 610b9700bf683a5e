package io.asyncio4j.combinators;

import io.asyncio4j.AsyncFuture;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CancellationException;

import static io.asyncio4j.combinators.Outcomes.failure;
import static io.asyncio4j.combinators.Outcomes.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** any (first success) and race (first outcome), with and without cancelling the losers. */
class AnyRaceTest {

    @Test
    void anySkipsFailuresAndTakesTheFirstValue() {
        AsyncFuture<Integer> a = new AsyncFuture<>();
        AsyncFuture<Integer> b = new AsyncFuture<>();
        AsyncFuture<Integer> c = new AsyncFuture<>();
        AsyncFuture<Integer> r = Async.any(List.of(a, b, c));

        a.completeExceptionally(new IllegalStateException());
        assertThat(r).isNotDone();
        b.complete(2);

        assertThat(value(r)).isEqualTo(2);
        assertThat(c).isNotDone();
    }

    @Test
    void anyFailsWithTheFirstFailureWhenAllFailTheOthersSuppressed() {
        AsyncFuture<Integer> a = new AsyncFuture<>();
        AsyncFuture<Integer> b = new AsyncFuture<>();
        AsyncFuture<Integer> r = Async.any(List.of(a, b));
        IllegalStateException first = new IllegalStateException("first");
        IllegalArgumentException second = new IllegalArgumentException("second");

        b.completeExceptionally(first);
        a.completeExceptionally(second);

        assertThat(failure(r)).isSameAs(first);
        assertThat(first.getSuppressed()).containsExactly(second);
    }

    @Test
    void anyCancellingLosersCancelsTheOthersOnceAValueWins() {
        AsyncFuture<Integer> a = new AsyncFuture<>();
        AsyncFuture<Integer> b = new AsyncFuture<>();
        AsyncFuture<Integer> r = Async.anyCancellingLosers(List.of(a, b));
        b.complete(2);
        assertThat(value(r)).isEqualTo(2);
        assertThat(a).isCancelled();
    }

    @Test
    void anAlreadyCompletedValueWinsInArgumentOrderAndLosersAreCancelled() {
        AsyncFuture<Integer> pending = new AsyncFuture<>();
        AsyncFuture<Integer> r = Async.anyCancellingLosers(List.of(pending, AsyncFuture.completed(1),
                AsyncFuture.completed(2)));
        assertThat(r).isCompletedWithValue(1);
        assertThat(pending).isCancelled();
    }

    @Test
    void raceTakesTheFirstOutcomeEvenAFailure() {
        AsyncFuture<Integer> a = new AsyncFuture<>();
        AsyncFuture<Integer> b = new AsyncFuture<>();
        AsyncFuture<Integer> r = Async.race(List.of(a, b));
        a.completeExceptionally(new IllegalStateException("lost"));
        assertThat(failure(r)).isInstanceOf(IllegalStateException.class);
        assertThat(b).isNotDone();
    }

    @Test
    void raceCancellingLosersCancelsTheOthers() {
        AsyncFuture<Integer> a = new AsyncFuture<>();
        AsyncFuture<Integer> b = new AsyncFuture<>();
        AsyncFuture<Integer> r = Async.raceCancellingLosers(List.of(a, b));
        a.complete(1);
        assertThat(value(r)).isEqualTo(1);
        assertThat(b).isCancelled();
    }

    @Test
    void cancellingTheResultCancelsEveryStageStillRunning() {
        AsyncFuture<Integer> a = new AsyncFuture<>();
        AsyncFuture<Integer> b = AsyncFuture.failed(new IllegalStateException());
        AsyncFuture<Integer> r = Async.any(List.of(a, b));
        r.cancel(false);
        assertThat(a).isCancelled();
        assertThat(failure(r)).isInstanceOf(CancellationException.class);
    }

    @Test
    void anEmptyCollectionIsRefused() {
        assertThatThrownBy(() -> Async.any(List.<AsyncFuture<Integer>>of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Async.race(List.<AsyncFuture<Integer>>of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
