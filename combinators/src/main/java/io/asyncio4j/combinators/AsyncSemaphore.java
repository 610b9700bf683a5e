package io.asyncio4j.combinators;

import io.asyncio4j.AsyncFuture;

import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * A counting semaphore for asynchronous code (asyncio {@code Semaphore}): {@link #acquire()} takes one of a
 * number of permits, waiting while none is free; {@link #release()} gives one back. Waiters are served in FIFO
 * order, and a newcomer never takes a permit ahead of someone already waiting.
 *
 * <p>Releases are not checked against the initial count (as in asyncio): releasing more than was acquired adds
 * permits. Use {@link BoundedSemaphore} to make that an error.
 *
 * <h2>Cancellation</h2>
 * Giving a pending {@code acquire()} future up (cancelling it or a stage derived from it, or completing either
 * from outside) removes the waiter before the future completes. If it races with a release handing that waiter a
 * permit, the permit goes to the next waiter or back to the pool: permits are conserved under any interleaving.
 *
 * <h2>Threads</h2>
 * All methods may be called from any thread. A pending {@code acquire()} future is completed, and its
 * continuations run, on the thread that calls {@code release()}, outside the semaphore's internal lock (queued
 * behind the wake-up in progress if that thread is already completing a waiter, so release chains never deepen
 * the stack). The release happens-before the continuations of the acquire it satisfies.
 */
public final class AsyncSemaphore {

    private final Permits permits;

    /**
     * Creates a semaphore with {@code permits} free permits.
     *
     * @param permits the initial number of permits; zero makes every acquire wait for a release
     * @throws IllegalArgumentException if {@code permits} is negative
     */
    public AsyncSemaphore(int permits) {
        if (permits < 0) {
            throw new IllegalArgumentException("permits must be >= 0, was " + permits);
        }
        this.permits = new Permits(permits, Integer.MAX_VALUE,
                "release() would raise the free permits of an AsyncSemaphore above Integer.MAX_VALUE");
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
     * Gives a permit back (asyncio {@code release()}): hands it to the first live waiter, or adds it to the free
     * permits.
     *
     * @throws IllegalStateException if the free permits would exceed {@code Integer.MAX_VALUE}
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
     * @return the free permits, a snapshot; zero while anyone waits
     */
    public int availablePermits() {
        return permits.freePermits();
    }

    /**
     * Runs {@code body} holding a permit and releases it when the stage {@code body} returns completes, however
     * it completes (asyncio {@code async with sem:}).
     *
     * <p>The body runs on the thread that obtains the permit: the caller's if one is free, otherwise the
     * releasing thread. If the body throws or returns {@code null}, the permit is released and the result fails.
     *
     * @param body the guarded work, started once a permit is held
     * @param <T>  the result type
     * @return a future completed with the body's outcome after the permit is released. Cancelling it while
     *         waiting withdraws the waiter and never runs the body; cancelling it while the body runs cancels the
     *         body's stage, and the permit is released when that stage completes.
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
        return "AsyncSemaphore[" + (isLocked() ? "locked" : "unlocked, permits:" + availablePermits())
                + (waiting > 0 ? ", waiters:" + waiting : "") + "]";
    }
}
