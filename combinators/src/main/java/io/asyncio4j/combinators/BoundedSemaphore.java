package io.asyncio4j.combinators;

import io.asyncio4j.AsyncFuture;

import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * A counting semaphore that refuses to be released more often than it was acquired (asyncio
 * {@code BoundedSemaphore}): a {@link #release()} that would raise the free permits above the initial count
 * throws, which catches a double release at its source.
 *
 * <p>Otherwise it behaves exactly as {@link AsyncSemaphore}: FIFO waiters, a given-up waiter is removed and a
 * permit handed to it as it is given up goes to the next waiter, and waiters' continuations run on the
 * releasing thread, outside the internal lock.
 */
public final class BoundedSemaphore {

    private final Permits permits;
    private final int bound;

    /**
     * Creates a bounded semaphore with {@code permits} free permits, which is also the most it may ever have.
     *
     * @param permits the initial and maximum number of free permits
     * @throws IllegalArgumentException if {@code permits} is negative
     */
    public BoundedSemaphore(int permits) {
        if (permits < 0) {
            throw new IllegalArgumentException("permits must be >= 0, was " + permits);
        }
        this.bound = permits;
        this.permits = new Permits(permits, permits, "BoundedSemaphore released too many times: release() "
                + "would raise the free permits above the initial " + permits);
    }

    /**
     * Takes a permit (asyncio {@code await sem.acquire()}).
     *
     * @return a completed future (a shared instance) if a permit was free and nobody waited; otherwise a future
     *         completed with {@code null} once a release hands this caller a permit. It never fails. Cancelling
     *         it before it completes withdraws from the queue; once completed, the caller holds a permit.
     */
    public AsyncFuture<Void> acquire() {
        return permits.acquire();
    }

    /**
     * Takes a permit if one is free and nobody waits, without waiting.
     *
     * @return whether the caller now holds a permit
     */
    public boolean tryAcquire() {
        return permits.tryAcquire();
    }

    /**
     * Gives a permit back: hands it to the first live waiter, or adds it to the free permits.
     *
     * @throws IllegalStateException if every permit is already free ("released too many times")
     */
    public void release() {
        permits.release();
    }

    /**
     * Returns whether an {@code acquire()} now would wait (asyncio {@code locked()}).
     *
     * @return true if no permit is free
     */
    public boolean isLocked() {
        return permits.freePermits() == 0;
    }

    /**
     * Returns the number of free permits.
     *
     * @return the free permits, a snapshot, between zero and the initial count
     */
    public int availablePermits() {
        return permits.freePermits();
    }

    /**
     * Returns the initial, and maximum, number of free permits.
     *
     * @return the bound
     */
    public int bound() {
        return bound;
    }

    /**
     * Runs {@code body} holding a permit and releases it when the stage {@code body} returns completes, however
     * it completes (asyncio {@code async with sem:}); see {@link AsyncSemaphore#withPermit}.
     *
     * @param body the guarded work, started once a permit is held
     * @param <T>  the result type
     * @return a future completed with the body's outcome after the permit is released; if the body also released
     *         the permit itself, the result fails with the {@code IllegalStateException} of the second release
     */
    public <T> AsyncFuture<T> withPermit(Supplier<? extends CompletionStage<T>> body) {
        return permits.withPermit(body);
    }

    /**
     * Returns how many {@code acquire()} futures are waiting, for monitoring and tests.
     *
     * @return the number of queued waiters, a snapshot
     */
    public int queueLength() {
        return permits.queueLength();
    }

    @Override
    public String toString() {
        int waiting = queueLength();
        return "BoundedSemaphore[" + (isLocked() ? "locked" : "unlocked, permits:" + availablePermits())
                + "/" + bound + (waiting > 0 ? ", waiters:" + waiting : "") + "]";
    }
}
