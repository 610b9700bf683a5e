package io.asyncio4j.combinators;

import io.asyncio4j.AsyncFuture;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;

/**
 * A condition variable for asynchronous code (asyncio {@code Condition}): code holding the underlying
 * {@link AsyncLock} may {@link #await()} a signal, which releases the lock while waiting and re-acquires it
 * before the wait completes; code holding the lock may {@link #signal()} one waiter or {@link #signalAll()}.
 *
 * <h2>Lock ownership — differs from asyncio on cancellation</h2>
 * When a future returned by {@link #await()} or {@link #waitFor} completes normally, the caller holds the lock.
 * When it fails or is given up (cancelled, completed or timed out from outside), the caller does <em>not</em> hold
 * the lock: asyncio re-acquires the lock before raising {@code CancelledError}, while here a given-up wait
 * completes at once and abandons the re-acquisition. Release the lock on the success path only:
 * <pre>{@code
 * cond.acquire()
 *     .thenCompose(v -> cond.waitFor(() -> !items.isEmpty()))
 *     .thenApply(v -> { try { return items.remove(); } finally { cond.release(); } });
 * }</pre>
 *
 * <h2>Cancellation</h2>
 * Giving a wait up (cancelling its future or a stage derived from it, or completing either from outside) removes
 * its waiter before the future completes. A signal is never lost to a given-up waiter: if the waiter had already
 * been signalled (or is signalled as it is given up), the signal passes to the next waiter. Like asyncio's, this
 * may wake a waiter spuriously; re-check the state after a wake-up, as {@link #waitFor} does.
 *
 * <h2>Threads</h2>
 * All methods may be called from any thread. A signalled waiter then re-acquires the lock, so its future is
 * completed, and its continuations run, on the thread that hands it the lock (usually the one releasing it,
 * outside the lock's internal state), or on the signalling thread if the lock happens to be free.
 */
public final class AsyncCondition {

    private final AsyncLock lock;
    private final ReentrantLock mutex = new ReentrantLock();
    private final ArrayDeque<AsyncFuture<Void>> waiters = new ArrayDeque<>();

    /** Creates a condition with a new lock of its own. */
    public AsyncCondition() {
        this(new AsyncLock());
    }

    /**
     * Creates a condition over {@code lock}, which may be shared with other conditions or code.
     *
     * @param lock the underlying lock
     */
    public AsyncCondition(AsyncLock lock) {
        this.lock = Objects.requireNonNull(lock, "lock");
    }

    /**
     * Returns the underlying lock.
     *
     * @return the lock
     */
    public AsyncLock lock() {
        return lock;
    }

    /**
     * Acquires the underlying lock; see {@link AsyncLock#acquire()}.
     *
     * @return a future completed once the caller holds the lock
     */
    public AsyncFuture<Void> acquire() {
        return lock.acquire();
    }

    /**
     * Locks the underlying lock if it is free, without waiting; see {@link AsyncLock#tryAcquire()}.
     *
     * @return whether the caller now holds the lock
     */
    public boolean tryAcquire() {
        return lock.tryAcquire();
    }

    /**
     * Releases the underlying lock; see {@link AsyncLock#release()}.
     *
     * @throws IllegalStateException if it is not locked
     */
    public void release() {
        lock.release();
    }

    /**
     * Returns whether the underlying lock is held.
     *
     * @return true if locked
     */
    public boolean isLocked() {
        return lock.isLocked();
    }

    /**
     * Releases the lock, waits to be signalled, then re-acquires the lock (asyncio {@code await cond.wait()}).
     * The caller must hold the lock.
     *
     * @return a future completed with {@code null} once this waiter was signalled and holds the lock again. It
     *         never fails by itself. Cancelling it withdraws the waiter (passing on a signal it had received) or
     *         its pending re-acquisition; a cancelled wait leaves the caller without the lock.
     * @throws IllegalStateException if the lock is not locked
     */
    public AsyncFuture<Void> await() {
        requireLocked("cannot wait on un-acquired lock");
        Waiting w = new Waiting();
        mutex.lock();
        try {
            waiters.addLast(w.signalled);
        } finally {
            mutex.unlock();
        }
        w.signalled.onCancel(() -> forget(w.signalled));
        w.result.onCancel(w::cancelled);
        try {
            lock.release();
        } catch (IllegalStateException notLocked) { // someone else released it since our check
            forget(w.signalled);
            throw notLocked;
        }
        w.signalled.addDoneCallback(w);
        return w.result;
    }

    /**
     * Waits until {@code predicate} is true (asyncio {@code await cond.wait_for(predicate)}): evaluates it, and
     * while it is false, {@link #await()}s and evaluates it again. The predicate always runs holding the lock.
     * The caller must hold the lock.
     *
     * @param predicate the condition to wait for; it must not block
     * @return a future completed with {@code null}, the caller holding the lock, once the predicate returned
     *         true. If the predicate throws, the lock is released and the future fails with that exception.
     *         Cancelling it cancels the wait in progress; a cancelled {@code waitFor} leaves the caller without
     *         the lock.
     * @throws IllegalStateException if the lock is not locked
     */
    public AsyncFuture<Void> waitFor(BooleanSupplier predicate) {
        Objects.requireNonNull(predicate, "predicate");
        requireLocked("cannot wait on un-acquired lock");
        WaitLoop loop = new WaitLoop(predicate);
        loop.result.onCancel(loop::cancelled);
        loop.check(false);
        return loop.result;
    }

    /**
     * Wakes the first waiter, if any (asyncio {@code notify()}). The caller must hold the lock; the woken waiter
     * proceeds once it re-acquires it.
     *
     * @throws IllegalStateException if the lock is not locked
     */
    public void signal() {
        signal(1);
    }

    /**
     * Wakes the first {@code n} waiters, or all if fewer wait (asyncio {@code notify(n)}). The caller must hold
     * the lock.
     *
     * @param n how many waiters to wake; zero or less wakes none
     * @throws IllegalStateException if the lock is not locked
     */
    public void signal(int n) {
        requireLocked("cannot signal on un-acquired lock");
        wake(n);
    }

    /**
     * Wakes every waiter (asyncio {@code notify_all()}). The caller must hold the lock.
     *
     * @throws IllegalStateException if the lock is not locked
     */
    public void signalAll() {
        signal(Integer.MAX_VALUE);
    }

    /**
     * Returns how many waiters wait for a signal (not those re-acquiring the lock), for monitoring and tests.
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
        return "AsyncCondition[" + (isLocked() ? "locked" : "unlocked")
                + (waiting > 0 ? ", waiters:" + waiting : "") + "]";
    }

    private void requireLocked(String message) {
        if (!lock.isLocked()) {
            throw new IllegalStateException(message);
        }
    }

    private void wake(int n) {
        if (n <= 0) {
            return;
        }
        List<AsyncFuture<Void>> woken = new ArrayList<>(Math.min(n, 4));
        mutex.lock();
        try {
            while (woken.size() < n) {
                AsyncFuture<Void> w = waiters.pollFirst();
                if (w == null) {
                    break;
                }
                if (!w.isDone()) {
                    woken.add(w);
                }
            }
        } finally {
            mutex.unlock();
        }
        for (AsyncFuture<Void> w : woken) {
            Wakeups.run(() -> {
                if (!w.settle(null)) {
                    wake(1); // given up as it was signalled: the signal goes to the next waiter
                }
            });
        }
    }

    private void forget(AsyncFuture<Void> waiter) {
        mutex.lock();
        try {
            waiters.remove(waiter);
        } finally {
            mutex.unlock();
        }
    }

    /** One {@code await()}: waiting for the signal, then for the lock. */
    private final class Waiting implements BiConsumer<Void, Throwable> {
        final AsyncFuture<Void> signalled = new AsyncFuture<>();
        final AsyncFuture<Void> result = new AsyncFuture<>();
        private volatile AsyncFuture<Void> relock;
        /** Set first by the give-up of {@link #result}, which runs before the result completes. */
        private volatile boolean givenUp;

        /** Signalled (or cancelled through {@link #cancelled}): re-acquire the lock unless the wait is over. */
        @Override
        public void accept(Void ignored, Throwable failure) {
            if (failure != null || givenUp) {
                return; // given up; cancelled() has passed on the signal if there was one
            }
            AsyncFuture<Void> a = lock.acquire();
            relock = a;
            if (givenUp) {
                a.cancel(false); // given up while we asked; if a already completed, the handler releases it
            }
            a.addDoneCallback((v, e) -> {
                if (e == null && !result.settle(null)) {
                    lock.release(); // got the lock for a wait that was given up meanwhile
                }
            });
        }

        /** The cancellation action of {@link #result}. */
        void cancelled() {
            givenUp = true;
            if (!signalled.cancel(false)) {
                wake(1); // the signal reached us, but we will not use it
            }
            AsyncFuture<Void> a = relock;
            if (a != null) {
                a.cancel(false);
            }
        }
    }

    /** One {@code waitFor(predicate)}: check, await, check again, holding the lock at each check. */
    private final class WaitLoop {
        final AsyncFuture<Void> result = new AsyncFuture<>();
        private final BooleanSupplier predicate;
        private volatile AsyncFuture<Void> current;
        /** Set first by the give-up of {@link #result}, which runs before the result completes. */
        private volatile boolean givenUp;

        WaitLoop(BooleanSupplier predicate) {
            this.predicate = predicate;
        }

        /** Runs holding the lock; {@code woken} after a wait that consumed a signal. */
        void check(boolean woken) {
            if (givenUp) {
                giveBack(woken);
                return;
            }
            boolean satisfied;
            try {
                satisfied = predicate.getAsBoolean();
            } catch (Throwable t) {
                lock.release();
                result.settleExceptionally(t);
                return;
            }
            if (satisfied) {
                if (!result.settle(null)) {
                    giveBack(woken);
                }
                return;
            }
            AsyncFuture<Void> w = await();
            current = w;
            if (givenUp) {
                w.cancel(false); // given up while we asked; cancelled() may have read the previous wait
            }
            w.addDoneCallback((v, e) -> {
                if (e != null) {
                    result.settleExceptionally(Failures.unwrap(e)); // refused: only the give-up cancels w
                } else {
                    check(true);
                }
            });
        }

        /**
         * The loop was given up while it held the lock again: nobody will release it, and the signal that woke it
         * (its wait had completed, so the wait's own give-up could not pass it on) goes to the next waiter.
         */
        private void giveBack(boolean woken) {
            lock.release();
            if (woken) {
                wake(1);
            }
        }

        void cancelled() {
            givenUp = true;
            AsyncFuture<Void> w = current;
            if (w != null) {
                w.cancel(false);
            }
        }
    }
}
