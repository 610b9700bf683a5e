package io.asyncio4j.combinators;

import io.asyncio4j.AsyncFuture;

import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * A mutual-exclusion lock for asynchronous code (asyncio {@code Lock}): locked or unlocked, owned by no thread
 * or task, and fair: waiters get the lock in the order they called {@link #acquire()}.
 *
 * <p>{@code acquire()} on an unlocked lock locks it and returns a completed future; on a locked one it returns a
 * future that completes once a {@link #release()} hands the lock over. {@code release()} unlocks the lock, or
 * passes it straight to the first waiter, which then holds it. Releasing an unlocked lock is an error. Prefer
 * {@link #withLock}, which cannot forget to release.
 *
 * <h2>Cancellation</h2>
 * Giving a pending {@code acquire()} future up (cancelling it or a stage derived from it, or completing either
 * from outside: {@code complete}, {@code orTimeout}, ...) removes the waiter from the queue before the future
 * completes. If that races with a release that is handing the lock to that waiter, the lock goes to the next
 * waiter instead (or becomes unlocked): it is never lost, and never held by a given-up waiter.
 *
 * <h2>Threads</h2>
 * All methods may be called from any thread. A pending {@code acquire()} future is completed, and its
 * continuations run, on the thread that calls {@code release()}, after the lock's internal state is updated; if
 * that thread is already completing a waiter of an asyncio4j primitive (a release inside a continuation), the
 * completion runs as soon as the current one returns, so chains of lock holders never deepen the stack. The
 * release happens-before the continuations of the acquire it satisfies.
 */
public final class AsyncLock {

    private final Permits permits = new Permits(1, 1, "release() of an AsyncLock that is not locked");

    /** Creates an unlocked lock. */
    public AsyncLock() {
    }

    /**
     * Acquires the lock (asyncio {@code await lock.acquire()}).
     *
     * @return a completed future if the lock was unlocked and nobody waited (a shared instance: do not obtrude
     *         its value); otherwise a future completed with {@code null} once the lock is handed to this caller.
     *         It never fails. Cancelling it before it completes withdraws from the queue; once it has completed,
     *         the caller holds the lock and must release it.
     */
    public AsyncFuture<Void> acquire() {
        return permits.acquire();
    }

    /**
     * Locks the lock if it is unlocked and nobody waits for it, without waiting.
     *
     * @return whether the caller now holds the lock
     */
    public boolean tryAcquire() {
        return permits.tryAcquire();
    }

    /**
     * Releases the lock (asyncio {@code release()}): hands it to the first live waiter, or unlocks it if nobody
     * waits. Any thread may release, not only the one that acquired, as in asyncio.
     *
     * @throws IllegalStateException if the lock is not locked
     */
    public void release() {
        permits.release();
    }

    /**
     * Returns whether the lock is held (asyncio {@code locked()}).
     *
     * @return true if locked, including while it is being handed to a waiter
     */
    public boolean isLocked() {
        return permits.freePermits() == 0;
    }

    /**
     * Runs {@code body} holding the lock and releases it when the stage {@code body} returns completes, however
     * it completes (asyncio {@code async with lock:}).
     *
     * <p>The body runs on the thread that acquires the lock: the caller's if the lock is free, otherwise the
     * releasing thread. If the body throws or returns {@code null}, the lock is released and the result fails
     * with that exception (a {@code NullPointerException} for {@code null}).
     *
     * @param body the critical section, started once the lock is held
     * @param <T>  the result type
     * @return a future completed with the body's outcome after the lock is released, on the thread that
     *         completes the body's stage. Cancelling it while waiting for the lock withdraws the waiter and never
     *         runs the body; cancelling it while the body runs cancels the body's stage, and the lock is released
     *         when that stage completes.
     */
    public <T> AsyncFuture<T> withLock(Supplier<? extends CompletionStage<T>> body) {
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
        return "AsyncLock[" + (isLocked() ? "locked" : "unlocked") + (waiting > 0 ? ", waiters:" + waiting : "")
                + "]";
    }
}
