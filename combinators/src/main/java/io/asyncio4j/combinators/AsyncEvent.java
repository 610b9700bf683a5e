package io.asyncio4j.combinators;

import io.asyncio4j.AsyncFuture;

import java.util.ArrayDeque;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A flag that asynchronous code can wait for (asyncio {@code Event}): {@link #set()} raises it and wakes every
 * waiter, {@link #clear()} lowers it, and {@link #whenSet()} returns a future that completes once it is raised.
 * The flag starts lowered.
 *
 * <h2>Cancellation</h2>
 * Giving a pending {@code whenSet()} future up (cancelling it or a stage derived from it, or completing either
 * from outside) removes the waiter before the future completes; it affects no other waiter.
 *
 * <h2>Threads</h2>
 * All methods may be called from any thread. Pending {@code whenSet()} futures are completed, and their
 * continuations run, on the thread that calls {@code set()}, in the order they were created, outside the
 * event's internal lock. A waiter woken by a {@code set()} completes even if a {@code clear()} follows at once,
 * as in asyncio. {@code set()} happens-before the continuations it runs.
 */
public final class AsyncEvent {

    private final ReentrantLock mutex = new ReentrantLock();
    private ArrayDeque<AsyncFuture<Void>> waiters = new ArrayDeque<>();
    private volatile boolean set;

    /** Creates an event whose flag is lowered. */
    public AsyncEvent() {
    }

    /**
     * Returns whether the flag is raised (asyncio {@code is_set()}).
     *
     * @return true between a {@code set()} and the next {@code clear()}
     */
    public boolean isSet() {
        return set;
    }

    /**
     * Raises the flag and wakes every waiter (asyncio {@code set()}); does nothing if it is already raised.
     * The waiters' continuations run on this thread before this method returns, unless this thread is already
     * completing a waiter of an asyncio4j primitive, in which case they run right after that one.
     */
    public void set() {
        if (set) {
            return;
        }
        ArrayDeque<AsyncFuture<Void>> woken;
        mutex.lock();
        try {
            if (set) {
                return;
            }
            set = true;
            woken = waiters;
            waiters = new ArrayDeque<>();
        } finally {
            mutex.unlock();
        }
        if (!woken.isEmpty()) {
            Wakeups.run(() -> {
                for (AsyncFuture<Void> w : woken) {
                    w.settle(null); // false for a waiter given up meanwhile: nothing owed to it
                }
            });
        }
    }

    /**
     * Lowers the flag (asyncio {@code clear()}): later {@code whenSet()} calls wait for the next {@code set()}.
     */
    public void clear() {
        mutex.lock();
        try {
            set = false;
        } finally {
            mutex.unlock();
        }
    }

    /**
     * Waits for the flag to be raised (asyncio {@code await event.wait()}).
     *
     * @return a completed future (a shared instance) if the flag is raised; otherwise a future completed with
     *         {@code null} by the next {@code set()}. It never fails. Cancelling it removes the waiter.
     */
    public AsyncFuture<Void> whenSet() {
        if (set) {
            return Wakeups.DONE;
        }
        AsyncFuture<Void> waiter = new AsyncFuture<>();
        mutex.lock();
        try {
            if (set) {
                return Wakeups.DONE;
            }
            waiters.addLast(waiter);
        } finally {
            mutex.unlock();
        }
        waiter.onCancel(() -> forget(waiter));
        return waiter;
    }

    private void forget(AsyncFuture<Void> waiter) {
        mutex.lock();
        try {
            waiters.remove(waiter);
        } finally {
            mutex.unlock();
        }
    }

    /**
     * Returns how many {@code whenSet()} futures are waiting, for monitoring and tests.
     *
     * @return the number of queued waiters, a snapshot
     */
    public int queueLength() {
        mutex.lock();
        try {
            return waiters.size();
        } finally {
            mutex.unlock();
        }
    }

    @Override
    public String toString() {
        int waiting = queueLength();
        return "AsyncEvent[" + (set ? "set" : "unset") + (waiting > 0 ? ", waiters:" + waiting : "") + "]";
    }
}
