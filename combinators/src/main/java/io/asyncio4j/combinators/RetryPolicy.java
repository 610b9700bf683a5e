package io.asyncio4j.combinators;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.function.Predicate;

/**
 * How {@link Async#retry} retries: at most {@link #maxAttempts()} attempts, with an exponential backoff between
 * them, randomised by a jitter, for the failures a predicate accepts. Immutable; each {@code with...} method
 * returns a changed copy.
 *
 * <p>The delay before attempt {@code n + 1} (after the {@code n}-th failure, {@code n >= 1}) is
 * {@code d = min(maxDelay, initialDelay * multiplier^(n-1))}, then shortened by the jitter to a uniformly random
 * value in {@code [d * (1 - jitter), d]}: a jitter of {@code 0} keeps {@code d}, a jitter of {@code 1} is "full
 * jitter" ({@code [0, d]}).
 *
 * <p>Defaults ({@link #defaults()}): 3 attempts, 100 ms initial delay, multiplier 2, at most 30 s between
 * attempts, jitter 0.5, every failure retried. A {@link CancellationException} is never retried, whatever the
 * predicate says: cancellation stops a retry.
 */
public final class RetryPolicy {

    private static final RetryPolicy DEFAULTS = new RetryPolicy(3, Duration.ofMillis(100), 2.0,
            Duration.ofSeconds(30), 0.5, failure -> true);

    private final int maxAttempts;
    private final Duration initialDelay;
    private final double multiplier;
    private final Duration maxDelay;
    private final double jitter;
    private final Predicate<? super Throwable> retryOn;

    private RetryPolicy(int maxAttempts, Duration initialDelay, double multiplier, Duration maxDelay, double jitter,
                        Predicate<? super Throwable> retryOn) {
        this.maxAttempts = maxAttempts;
        this.initialDelay = initialDelay;
        this.multiplier = multiplier;
        this.maxDelay = maxDelay;
        this.jitter = jitter;
        this.retryOn = retryOn;
    }

    /**
     * Returns the default policy: 3 attempts, 100 ms initial delay doubling up to 30 s, jitter 0.5, every
     * failure but a cancellation retried.
     *
     * @return the default policy
     */
    public static RetryPolicy defaults() {
        return DEFAULTS;
    }

    /**
     * Returns the default policy with {@code maxAttempts} attempts.
     *
     * @param maxAttempts how many attempts in all, at least 1
     * @return a policy
     */
    public static RetryPolicy ofAttempts(int maxAttempts) {
        return DEFAULTS.withMaxAttempts(maxAttempts);
    }

    /**
     * Returns a copy making at most {@code maxAttempts} attempts in all (the first one included).
     *
     * @param maxAttempts at least 1
     * @return a changed copy
     * @throws IllegalArgumentException if {@code maxAttempts < 1}
     */
    public RetryPolicy withMaxAttempts(int maxAttempts) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
        }
        return new RetryPolicy(maxAttempts, initialDelay, multiplier, maxDelay, jitter, retryOn);
    }

    /**
     * Returns a copy waiting {@code initialDelay} (before jitter) after the first failure.
     *
     * @param initialDelay zero or positive
     * @return a changed copy
     * @throws IllegalArgumentException if negative
     */
    public RetryPolicy withInitialDelay(Duration initialDelay) {
        return new RetryPolicy(maxAttempts, nonNegative(initialDelay, "initialDelay"), multiplier, maxDelay, jitter,
                retryOn);
    }

    /**
     * Returns a copy multiplying the delay by {@code multiplier} after each failure.
     *
     * @param multiplier at least 1
     * @return a changed copy
     * @throws IllegalArgumentException if below 1 or not finite
     */
    public RetryPolicy withMultiplier(double multiplier) {
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("multiplier must be finite and at least 1: " + multiplier);
        }
        return new RetryPolicy(maxAttempts, initialDelay, multiplier, maxDelay, jitter, retryOn);
    }

    /**
     * Returns a copy never waiting more than {@code maxDelay} between attempts.
     *
     * @param maxDelay zero or positive
     * @return a changed copy
     * @throws IllegalArgumentException if negative
     */
    public RetryPolicy withMaxDelay(Duration maxDelay) {
        return new RetryPolicy(maxAttempts, initialDelay, multiplier, nonNegative(maxDelay, "maxDelay"), jitter,
                retryOn);
    }

    /**
     * Returns a copy shortening each delay by a random fraction of at most {@code jitter}.
     *
     * @param jitter between 0 (no jitter) and 1 (full jitter)
     * @return a changed copy
     * @throws IllegalArgumentException if outside {@code [0, 1]}
     */
    public RetryPolicy withJitter(double jitter) {
        if (!(jitter >= 0.0 && jitter <= 1.0)) {
            throw new IllegalArgumentException("jitter must be within [0, 1]: " + jitter);
        }
        return new RetryPolicy(maxAttempts, initialDelay, multiplier, maxDelay, jitter, retryOn);
    }

    /**
     * Returns a copy retrying only the failures {@code retryOn} accepts; the others end the retry at once. It is
     * called with the failure itself (never a {@code CompletionException} wrapper), and never with a
     * {@link CancellationException}.
     *
     * @param retryOn which failures to retry
     * @return a changed copy
     */
    public RetryPolicy retryOn(Predicate<? super Throwable> retryOn) {
        return new RetryPolicy(maxAttempts, initialDelay, multiplier, maxDelay, jitter,
                Objects.requireNonNull(retryOn, "retryOn"));
    }

    /** @return how many attempts in all */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** @return the delay after the first failure, before jitter */
    public Duration initialDelay() {
        return initialDelay;
    }

    /** @return the factor applied to the delay after each failure */
    public double multiplier() {
        return multiplier;
    }

    /** @return the longest delay between two attempts */
    public Duration maxDelay() {
        return maxDelay;
    }

    /** @return the largest fraction by which a delay is randomly shortened */
    public double jitter() {
        return jitter;
    }

    /**
     * Returns whether {@code failure} ends the retry at once: a cancellation, or a failure the predicate rejects.
     *
     * @param failure a failure, unwrapped
     * @return {@code true} to stop retrying
     */
    boolean isFatal(Throwable failure) {
        return failure instanceof CancellationException || !retryOn.test(failure);
    }

    /**
     * Returns the delay after the {@code failures}-th failure, for a uniform random {@code random} in
     * {@code [0, 1)}.
     *
     * @param failures how many attempts have failed, at least 1
     * @param random   a uniform random number in {@code [0, 1)}
     * @return the delay in nanoseconds
     */
    long delayNanos(int failures, double random) {
        double max = AsyncTimer.saturatedNanos(maxDelay);
        double d = Math.min(max, AsyncTimer.saturatedNanos(initialDelay) * Math.pow(multiplier, failures - 1));
        return (long) (d * (1.0 - jitter * random));
    }

    @Override
    public String toString() {
        return "RetryPolicy[maxAttempts=" + maxAttempts + ", initialDelay=" + initialDelay + ", multiplier="
                + multiplier + ", maxDelay=" + maxDelay + ", jitter=" + jitter + "]";
    }

    private static Duration nonNegative(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative: " + d);
        }
        return d;
    }
}
