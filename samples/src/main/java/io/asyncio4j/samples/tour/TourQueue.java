package io.asyncio4j.samples.tour;

import io.asyncio4j.AsyncFuture;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * asyncio's {@code Queue(maxsize)} scheduled as CPython schedules it on its loop, so that the queue recipe prints
 * its lines in asyncio's order. The library's {@code AsyncQueue} hands an item straight to a waiting getter; this
 * queue does what asyncio's does instead:
 * <ul>
 *   <li>a put stores its item and wakes the first waiting getter through the loop ({@code _wakeup_next}); the
 *       getter takes the head item only when that wake-up runs, so until then the item counts against the
 *       capacity, a put finding the queue full waits, and a {@code poll} may take the item first (the getter then
 *       waits again);</li>
 *   <li>a woken putter puts its item when its wake-up runs, and waits again if the queue filled up meanwhile;</li>
 *   <li>a waiter cancelled after it was woken passes its wake-up on; {@link #join} completes through the loop.</li>
 * </ul>
 * Like asyncio's queue it is confined to its loop: every call, cancellation included, is made on the loop's
 * thread, which also runs every wake-up.
 *
 * @param <T> the item type
 */
final class TourQueue<T> {

    private final int capacity;
    private final Executor loop;
    private final ArrayDeque<T> items = new ArrayDeque<>();
    /** Getters waiting for an item and putters waiting for room; a wake-up carries neither. */
    private final ArrayDeque<AsyncFuture<Void>> getters = new ArrayDeque<>();
    private final ArrayDeque<AsyncFuture<Void>> putters = new ArrayDeque<>();
    private final List<AsyncFuture<Void>> joiners = new ArrayList<>();
    private long unfinished;

    /**
     * Creates an empty queue (asyncio {@code Queue(maxsize)}).
     *
     * @param capacity the most items it holds, items whose woken getter has not run yet included
     * @param loop     the executor of the single-threaded loop the queue lives on
     */
    TourQueue(int capacity, Executor loop) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive, was " + capacity);
        }
        this.capacity = capacity;
        this.loop = loop;
    }

    /** asyncio {@code await q.put(item)}: {@code while self.full(): await putter}, then {@code put_nowait}. */
    AsyncFuture<Void> put(T item) {
        if (offer(item)) {
            return AsyncFuture.completed(null);
        }
        return waitIn(putters).thenCompose(woken -> put(item));
    }

    /** asyncio {@code put_nowait}, returning false where it raises {@code QueueFull}. */
    boolean offer(T item) {
        if (isFull()) {
            return false;
        }
        items.addLast(item);
        unfinished++;
        wakeNext(getters);
        return true;
    }

    /** asyncio {@code await q.get()}: {@code while self.empty(): await getter}, then {@code get_nowait}. */
    AsyncFuture<T> get() {
        T item = poll();
        if (item != null) {
            return AsyncFuture.completed(item);
        }
        return waitIn(getters).thenCompose(woken -> get());
    }

    /** asyncio {@code get_nowait}, returning {@code null} where it raises {@code QueueEmpty}. */
    T poll() {
        T item = items.pollFirst();
        if (item != null) {
            wakeNext(putters);
        }
        return item;
    }

    /** asyncio {@code task_done()}: the last one completes the {@link #join} futures through the loop. */
    void taskDone() {
        if (unfinished <= 0) {
            throw new IllegalStateException("taskDone() called more times than items were put");
        }
        if (--unfinished == 0 && !joiners.isEmpty()) {
            List<AsyncFuture<Void>> finished = new ArrayList<>(joiners);
            joiners.clear();
            loop.execute(() -> finished.forEach(j -> j.settle(null)));
        }
    }

    /** asyncio {@code await q.join()}: completes once every item put has been marked done. */
    AsyncFuture<Void> join() {
        if (unfinished == 0) {
            return AsyncFuture.completed(null);
        }
        AsyncFuture<Void> joiner = new AsyncFuture<>();
        joiner.onCancel(() -> joiners.remove(joiner));
        joiners.add(joiner);
        return joiner;
    }

    /** asyncio {@code qsize()}. */
    int size() {
        return items.size();
    }

    /** asyncio {@code empty()}. */
    boolean isEmpty() {
        return items.isEmpty();
    }

    /** asyncio {@code full()}. */
    boolean isFull() {
        return items.size() >= capacity;
    }

    /** The items put and not yet marked done with {@link #taskDone}. */
    long unfinishedTasks() {
        return unfinished;
    }

    private static AsyncFuture<Void> waitIn(ArrayDeque<AsyncFuture<Void>> waiters) {
        AsyncFuture<Void> waiter = new AsyncFuture<>();
        waiter.onCancel(() -> waiters.remove(waiter));
        waiters.addLast(waiter);
        return waiter;
    }

    /**
     * asyncio {@code _wakeup_next}: the first waiter resumes on the loop, where it looks at the queue again. One
     * cancelled before its wake-up ran passes it on, if there is still an item (for a getter) or room (for a
     * putter).
     */
    private void wakeNext(ArrayDeque<AsyncFuture<Void>> waiters) {
        AsyncFuture<Void> waiter = waiters.pollFirst();
        if (waiter == null) {
            return;
        }
        loop.execute(() -> {
            if (!waiter.settle(null) && (waiters == getters ? !isEmpty() : !isFull())) {
                wakeNext(waiters);
            }
        });
    }
}
