package io.asyncio4j.combinators;

import io.asyncio4j.AsyncFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static io.asyncio4j.combinators.Outcomes.failure;
import static io.asyncio4j.combinators.Outcomes.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryTest {

    private final ExecutorService callbacks = Executors.newFixedThreadPool(2);
    private final AsyncTimer timer = AsyncTimer.create("retry-timer", callbacks);
    private final RetryPolicy fast = RetryPolicy.ofAttempts(5).withInitialDelay(Duration.ofMillis(1)).withJitter(0);

    @AfterEach
    void closeTimer() {
        timer.close();
    }

    @Test
    void retriesUntilAnAttemptSucceeds() {
        AtomicInteger attempts = new AtomicInteger();
        AsyncFuture<String> r = Async.retry(fast, () -> attempts.incrementAndGet() < 3
                ? AsyncFuture.failed(new IOException("flaky")) : AsyncFuture.completed("ok"), timer);

        assertThat(value(r)).isEqualTo("ok");
        assertThat(attempts).hasValue(3);
    }

    @Test
    void afterTheLastAttemptFailsWithTheLastFailureTheEarlierOnesSuppressed() {
        AtomicInteger attempts = new AtomicInteger();
        AsyncFuture<String> r = Async.retry(fast.withMaxAttempts(3),
                () -> AsyncFuture.failed(new IOException("attempt " + attempts.incrementAndGet())), timer);

        Throwable e = failure(r);
        assertThat(e).isInstanceOf(IOException.class).hasMessage("attempt 3");
        assertThat(e.getSuppressed()).extracting(Throwable::getMessage).containsExactly("attempt 1", "attempt 2");
        assertThat(attempts).hasValue(3);
    }

    @Test
    void aFailureThePredicateRejectsStopsAtOnce() {
        AtomicInteger attempts = new AtomicInteger();
        AsyncFuture<String> r = Async.retry(fast.retryOn(e -> e instanceof IOException), () -> {
            attempts.incrementAndGet();
            return AsyncFuture.failed(new IllegalArgumentException("bug"));
        }, timer);

        assertThat(failure(r)).isInstanceOf(IllegalArgumentException.class);
        assertThat(attempts).hasValue(1);
    }

    @Test
    void anAttemptThatThrowsCountsAsAFailedAttempt() {
        AtomicInteger attempts = new AtomicInteger();
        AsyncFuture<String> r = Async.retry(fast, () -> {
            if (attempts.incrementAndGet() < 2) {
                throw new IllegalStateException("sync");
            }
            return AsyncFuture.completed("ok");
        }, timer);
        assertThat(value(r)).isEqualTo("ok");
    }

    @Test
    void theFailureSeenByThePredicateIsUnwrapped() {
        AtomicReference<Throwable> seen = new AtomicReference<>();
        AsyncFuture<Integer> r = Async.retry(fast.retryOn(e -> {
            seen.set(e);
            return false;
        }), () -> AsyncFuture.completed(1).thenApply(v -> {
            throw new ArithmeticException();
        }), timer);
        assertThat(failure(r)).isInstanceOf(ArithmeticException.class);
        assertThat(seen.get()).isInstanceOf(ArithmeticException.class);
    }

    @Test
    void cancellingStopsTheAttemptInFlightAndNoOtherStarts() {
        AtomicInteger attempts = new AtomicInteger();
        AtomicReference<AsyncFuture<String>> inFlight = new AtomicReference<>();
        AsyncFuture<String> r = Async.retry(fast, () -> {
            attempts.incrementAndGet();
            inFlight.set(timer.sleep(Duration.ofHours(1), "never"));
            return inFlight.get();
        }, timer);

        r.cancel(false);

        assertThat(inFlight.get()).isCancelled();
        assertThat(attempts).hasValue(1);
        assertThat(timer.pendingTasks()).isZero();
    }

    @Test
    void cancellingDuringTheBackoffRemovesTheSleepAndNoOtherAttemptStarts() {
        AtomicInteger attempts = new AtomicInteger();
        AsyncFuture<String> r = Async.retry(fast.withInitialDelay(Duration.ofHours(1)), () -> {
            attempts.incrementAndGet();
            return AsyncFuture.failed(new IOException());
        }, timer);
        assertThat(timer.pendingTasks()).isEqualTo(1);

        r.cancel(false);

        assertThat(timer.pendingTasks()).isZero();
        assertThat(attempts).hasValue(1);
        assertThat(failure(r)).isInstanceOf(CancellationException.class);
    }

    @Test
    void anAttemptThatFailsOtherwiseWhenCancelledStartsNoBackoffOnceTheRetryIsGivenUp() {
        // The attempt turns its cancellation into an ordinary failure while the retry is being given up, before
        // the retry's future is complete: that failure must not schedule another attempt.
        AtomicInteger attempts = new AtomicInteger();
        AsyncFuture<String> r = Async.retry(fast.withInitialDelay(Duration.ofHours(1)), () -> {
            attempts.incrementAndGet();
            return timer.sleep(Duration.ofHours(1), "never")
                    .exceptionallyCompose(e -> AsyncFuture.failed(new IOException("interrupted")));
        }, timer);

        r.cancel(false);

        assertThat(failure(r)).isInstanceOf(CancellationException.class);
        assertThat(attempts).hasValue(1);
        assertThat(timer.pendingTasks()).isZero();
    }

    @Test
    void aCancelledAttemptIsNeverRetried() {
        AtomicInteger attempts = new AtomicInteger();
        AsyncFuture<String> r = Async.retry(fast, () -> {
            attempts.incrementAndGet();
            AsyncFuture<String> f = new AsyncFuture<>();
            f.cancel(false);
            return f;
        }, timer);
        assertThat(failure(r)).isInstanceOf(CancellationException.class);
        assertThat(attempts).hasValue(1);
    }

    @Test
    void synchronousFailuresWithZeroBackoffDoNotGrowTheStack() {
        AtomicInteger attempts = new AtomicInteger();
        AsyncFuture<String> r = Async.retry(RetryPolicy.ofAttempts(20_000).withInitialDelay(Duration.ZERO),
                () -> attempts.incrementAndGet() < 20_000
                        ? AsyncFuture.failed(new IOException()) : AsyncFuture.completed("done"), timer);
        assertThat(value(r)).isEqualTo("done");
    }

    @Test
    void theBackoffGrowsExponentiallyUpToTheMaximumAndTheJitterOnlyShortensIt() {
        RetryPolicy p = RetryPolicy.defaults().withInitialDelay(Duration.ofMillis(100)).withMultiplier(2)
                .withMaxDelay(Duration.ofMillis(500)).withJitter(0.5);
        assertThat(p.delayNanos(1, 0.0)).isEqualTo(Duration.ofMillis(100).toNanos());
        assertThat(p.delayNanos(2, 0.0)).isEqualTo(Duration.ofMillis(200).toNanos());
        assertThat(p.delayNanos(3, 0.0)).isEqualTo(Duration.ofMillis(400).toNanos());
        assertThat(p.delayNanos(4, 0.0)).isEqualTo(Duration.ofMillis(500).toNanos());
        assertThat(p.delayNanos(1, 0.999_999)).isGreaterThanOrEqualTo(Duration.ofMillis(50).toNanos() - 1);
        assertThat(p.withJitter(1).delayNanos(1, 0.999_999)).isLessThan(Duration.ofMillis(1).toNanos());
        assertThat(p.delayNanos(1_000, 0.0)).isEqualTo(Duration.ofMillis(500).toNanos());
    }

    @Test
    void invalidPoliciesAreRefused() {
        assertThatThrownBy(() -> RetryPolicy.ofAttempts(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryPolicy.defaults().withJitter(1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryPolicy.defaults().withMultiplier(0.5))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryPolicy.defaults().withInitialDelay(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
