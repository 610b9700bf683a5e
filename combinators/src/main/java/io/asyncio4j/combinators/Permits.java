package io.asyncio4j.combinators;

import io.asyncio4j.AsyncFuture;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A FIFO pool of permits with asynchronous waiters: the machinery behind {@link AsyncLock},
 * {@link AsyncSemaphore} and {@link BoundedSemaphore}, as CPython's {@code Semaphore} is behind its lock-likes.
 *
 * <p>{@code state} is the number of free permits while nobody waits, and {@link #WAITING} while waiters are
 * queued (then no permit is free). Acquiring a free permit and releasing one nobody waits for are single CAS
 * operations on {@code state}; everything that touches the waiter queue holds {@code mutex}, and {@code state}
 * leaves {@code WAITING} only under it. A release with waiters hands its permit to the first live waiter by
 * settling its future, outside the mutex. The waiter's future decides the race with its giving up: if it was
 * given up first (cancelled, completed or timed out from outside, itself or through a stage derived from it),
 * {@code settle} refuses and the permit is released again, so it goes to the next waiter or back to the pool. A
 * given-up waiter's own cancellation action, which runs before its future completes, only removes it from the
 * queue: it never releases, so a permit is never counted twice.
 */
final class Permits {

    static final int WAITING = -1;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Permits.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int bound;
    private final String overReleased;
    private final ReentrantLock mutex = new ReentrantLock();
    private final ArrayDeque<AsyncFuture<Void>> waiters = new ArrayDeque<>();
    @SuppressWarnings("unused") // accessed through STATE
    private volatile int state;

    /**
     * @param permits      the permits free at first
     * @param bound        the most permits that may be free; a release beyond it fails
     * @param overReleased the message of the {@link IllegalStateException} of such a release
     */
    Permits(int permits, int bound, String overReleased) {
        this.state = permits;
        this.bound = bound;
        this.overReleased = overReleased;
    }

    AsyncFuture<Void> acquire() {
        int s = state;
        if (s > 0 && STATE.compareAndSet(this, s, s - 1)) {
            return Wakeups.DONE;
        }
        return acquireSlowly();
    }

    private AsyncFuture<Void> acquireSlowly() {
        AsyncFuture<Void> waiter;
        mutex.lock();
        try {
            for (;;) {
                int s = state;
                if (s > 0) {
                    if (STATE.compareAndSet(this, s, s - 1)) {
                        return Wakeups.DONE;
                    }
                } else if (s == WAITING || STATE.compareAndSet(this, 0, WAITING)) {
                    break;
                }
            }
            waiter = new AsyncFuture<>();
            waiters.addLast(waiter);
        } finally {
            mutex.unlock();
        }
        // Nobody else can cancel the waiter before it is returned, so registering after queueing is safe.
        waiter.onCancel(() -> forget(waiter));
        return waiter;
    }

    boolean tryAcquire() {
        for (;;) {
            int s = state;
            if (s <= 0) {
                return false;
            }
            if (STATE.compareAndSet(this, s, s - 1)) {
                return true;
            }
        }
    }

    void release() {
        for (;;) {
            int s = state;
            if (Math.max(s, 0) >= bound) {
                throw new IllegalStateException(overReleased);
            }
            if (s == WAITING ? wakeNext() : STATE.compareAndSet(this, s, s + 1)) {
                return;
            }
        }
    }

    /** Releases a permit that was handed to a waiter cancelled before it could take it: no bound check. */
    private void restore() {
        for (;;) {
            int s = state;
            if (s == WAITING ? wakeNext() : STATE.compareAndSet(this, s, s + 1)) {
                return;
            }
        }
    }

    /**
     * Hands one permit to the first live waiter, or frees it if only cancelled ones are left.
     *
     * @return false if nobody was waiting any more, so the caller must release through the fast path
     */
    private boolean wakeNext() {
        AsyncFuture<Void> next;
        mutex.lock();
        try {
            if (state != WAITING) {
                return false;
            }
            do {
                next = waiters.pollFirst();
            } while (next != null && next.isDone()); // given up; its cancellation action will find it gone
            if (next == null) {
                state = 1;
            } else if (waiters.isEmpty()) {
                state = 0;
            }
        } finally {
            mutex.unlock();
        }
        if (next != null) {
            AsyncFuture<Void> waiter = next;
            Wakeups.run(() -> {
                if (!waiter.settle(null)) {
                    restore(); // given up first, maybe still running its cancellation action: pass the permit on
                }
            });
        }
        return true;
    }

    /** The cancellation action of a waiter, run before its future completes: leave the queue if still in it. */
    private void forget(AsyncFuture<Void> waiter) {
        mutex.lock();
        try {
            if (waiters.remove(waiter) && waiters.isEmpty() && state == WAITING) {
                state = 0;
            }
        } finally {
            mutex.unlock();
        }
    }

    int freePermits() {
        return Math.max(state, 0);
    }

    int queueLength() {
        mutex.lock();
        try {
            return waiters.size();
        } finally {
            mutex.unlock();
        }
    }

    /**
     * Acquires a permit, runs {@code body}, and releases the permit once the stage it returns completes, however
     * it completes; the {@code async with} of asyncio.
     */
    <T> AsyncFuture<T> withPermit(Supplier<? extends CompletionStage<T>> body) {
        Objects.requireNonNull(body, "body");
        AsyncFuture<T> result = new AsyncFuture<>();
        AsyncFuture<Void> acquired = acquire();
        if (acquired.isDone()) {
            runHolding(body, result);
            return result;
        }
        // The result's give-up runs before the result completes, so isDone() cannot tell the permit's arrival that
        // it came too late: whichever of the two claims this first decides whether the body runs.
        AtomicBoolean decided = new AtomicBoolean();
        result.onCancel(() -> {
            if (decided.compareAndSet(false, true)) {
                acquired.cancel(false);
            }
        });
        acquired.addDoneCallback((v, failure) -> {
            if (failure != null) {
                result.settleExceptionally(Failures.unwrap(failure)); // withdrawn by the give-up, which completes it
            } else if (!result.isGivenUp() && decided.compareAndSet(false, true)) {
                runHolding(body, result);
            } else {
                release(); // given up as the permit arrived: give it back, do not run the body
            }
        });
        return result;
    }

    private <T> void runHolding(Supplier<? extends CompletionStage<T>> body, AsyncFuture<T> result) {
        CompletionStage<T> stage;
        try {
            stage = Objects.requireNonNull(body.get(), "body returned null instead of a stage");
        } catch (Throwable t) {
            releaseInto(result, t);
            return;
        }
        result.onCancel(() -> Stages.cancelQuietly(stage));
        stage.whenComplete((value, failure) -> {
            if (releaseInto(result, null)) {
                if (failure == null) {
                    result.settle(value);
                } else {
                    result.settleExceptionally(Failures.unwrap(failure));
                }
            }
        });
    }

    /** Releases, then fails {@code result} with {@code failure} if any, or with a failed release. */
    private boolean releaseInto(AsyncFuture<?> result, Throwable failure) {
        try {
            release();
        } catch (RuntimeException released) { // the body released the permit itself as well
            if (failure != null) {
                failure.addSuppressed(released);
            } else {
                failure = released;
            }
        }
        if (failure != null) {
            result.settleExceptionally(failure);
            return false;
        }
        return true;
    }
}
