package io.asyncio4j.combinators;

import io.asyncio4j.AsyncFuture;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A bounded queue for producers and consumers in asynchronous code (asyncio {@code Queue}, {@code LifoQueue},
 * {@code PriorityQueue}): {@link #put} waits while the queue is full, {@link #get} waits while it is empty,
 * {@link #offer}/{@link #poll} never wait, and {@link #taskDone}/{@link #join} track when every item put has
 * been processed.
 *
 * <p>Created by {@link #fifo}, {@link #lifo} or {@link #priority}, which fix the order items come out in. The
 * capacity is mandatory and positive: asyncio's default {@code maxsize=0} means "unbounded", and a queue whose
 * producers never wait lets memory grow without limit as soon as consumers fall behind. {@code null} items are
 * refused, so that {@link #poll()} can return {@code null} for "empty".
 *
 * <h2>Fairness and hand-over</h2>
 * Waiting getters and putters are each served first come, first served, and a new call never overtakes a
 * waiting one. A put while getters wait hands its item straight to the first of them; the item never occupies a
 * slot, so a getter's continuation sees the queue without it, as after asyncio's {@code await q.get()}. A woken
 * putter's slot is reserved for it, and its item is in the queue (or, if a getter waits, handed to it) from the
 * moment its future completes: its continuation sees it in {@link #size}, {@link #isFull},
 * {@link #unfinishedTasks} and {@link #poll}, as after asyncio's {@code await q.put(item)}. The queue never holds
 * more than its capacity (a shutdown may exceed it only by the few items given back in the race described
 * below).
 *
 * <h2>Cancellation</h2>
 * Cancelling a pending {@code get} or {@code put} removes the waiter: a cancelled put never enqueues its item, a
 * cancelled get never consumes one. If the cancellation races with the hand-over to that waiter, the item (or
 * the free slot) passes to the next waiter, or an item goes back to the head of the queue: no item is lost or
 * delivered twice, under any interleaving. (Order is kept except in that race: an item refused by a getter
 * cancelled as it was handed over, at a moment the queue had filled up, waits at the head of the putters and
 * comes after the items already stored.)
 *
 * <h2>Shutdown</h2>
 * {@link #shutdown(boolean)} (asyncio 3.13 {@code Queue.shutdown}) makes puts fail with
 * {@link QueueShutdownException} and fails every waiting getter and putter; gets go on returning the items
 * left, and fail once the queue is empty, unless the shutdown was immediate, which discards them.
 *
 * <h2>Threads</h2>
 * All methods may be called from any thread and never block. A pending future is completed, and its
 * continuations run, on the thread whose call satisfied it (a {@code put} for a waiting getter, a {@code get}
 * or {@code poll} for a waiting putter, a {@code taskDone} for {@code join}), after the queue's internal lock is
 * released; if that thread is already completing a waiter of an asyncio4j primitive, the completion runs as soon
 * as the current one returns, so hand-overs never nest on the stack. Putting an item happens-before the
 * continuations of the get that receives it, and a put's completion happens-before what any call made after it
 * sees of the queue.
 *
 * <p>One concept, one file, past the usual length: the items, the waiting getters and putters, the putter being
 * let in and the count of unfinished tasks change together under one lock, as in CPython's {@code Queue}.
 *
 * @param <T> the item type
 */
public final class AsyncQueue<T> {

    private enum State { OPEN, SHUT_DOWN, SHUT_DOWN_IMMEDIATELY }

    private final int capacity;
    private final ItemStore<T> store;
    private final ReentrantLock mutex = new ReentrantLock();
    private final ArrayDeque<AsyncFuture<T>> getters = new ArrayDeque<>();
    private final ArrayDeque<Putter<T>> putters = new ArrayDeque<>();
    private ArrayList<AsyncFuture<Void>> joiners;
    /**
     * The woken putter whose future is being completed, if any; its slot is reserved. Its item is in the queue from
     * the moment that future completes, and is placed by whoever takes the mutex next ({@link #settleAdmission}).
     */
    private Putter<T> admitted;
    private long unfinished;
    private State state = State.OPEN;
    /** Wake-ups decided under the mutex, run by {@link #unlock()} once it is released. */
    private List<Runnable> wakeUps;
    /** What {@link #accept} returns for an item that went to the store rather than to a getter. */
    private static final AsyncFuture<?> STORED = AsyncFuture.completed(null);

    private AsyncQueue(int capacity, ItemStore<T> store) {
        this.capacity = capacity;
        this.store = store;
    }

    /**
     * Creates a first-in, first-out queue (asyncio {@code Queue(maxsize)}).
     *
     * @param capacity the most items the queue holds; puts wait beyond it
     * @param <T>      the item type
     * @return an empty queue
     * @throws IllegalArgumentException if {@code capacity} is not positive
     */
    public static <T> AsyncQueue<T> fifo(int capacity) {
        return new AsyncQueue<>(checkCapacity(capacity), ItemStore.fifo(capacity));
    }

    /**
     * Creates a last-in, first-out queue: a stack (asyncio {@code LifoQueue(maxsize)}).
     *
     * @param capacity the most items the queue holds; puts wait beyond it
     * @param <T>      the item type
     * @return an empty queue
     * @throws IllegalArgumentException if {@code capacity} is not positive
     */
    public static <T> AsyncQueue<T> lifo(int capacity) {
        return new AsyncQueue<>(checkCapacity(capacity), ItemStore.lifo(capacity));
    }

    /**
     * Creates a queue that gives out the least item first by {@code order} (asyncio
     * {@code PriorityQueue(maxsize)}). Items that compare equal come out in no particular order.
     *
     * @param capacity the most items the queue holds; puts wait beyond it
     * @param order    the priority order, least first
     * @param <T>      the item type
     * @return an empty queue
     * @throws IllegalArgumentException if {@code capacity} is not positive
     */
    public static <T> AsyncQueue<T> priority(int capacity, Comparator<? super T> order) {
        Objects.requireNonNull(order, "order");
        return new AsyncQueue<>(checkCapacity(capacity), ItemStore.priority(capacity, order));
    }

    /**
     * Creates a queue that gives out the least item first by natural order (asyncio
     * {@code PriorityQueue(maxsize)}).
     *
     * @param capacity the most items the queue holds; puts wait beyond it
     * @param <T>      the item type
     * @return an empty queue
     * @throws IllegalArgumentException if {@code capacity} is not positive
     */
    public static <T extends Comparable<? super T>> AsyncQueue<T> priority(int capacity) {
        return priority(capacity, Comparator.naturalOrder());
    }

    private static int checkCapacity(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive, was " + capacity
                    + " (an unbounded queue, asyncio's maxsize=0, is deliberately not offered)");
        }
        return capacity;
    }

    /**
     * Puts an item, waiting for room if the queue is full or others wait to put (asyncio
     * {@code await q.put(item)}).
     *
     * @param item the item
     * @return a completed future (a shared instance) if the item went in at once; otherwise a future completed
     *         with {@code null} once the item is in, on the thread of the call that let it in (as a rule the
     *         {@code get} or {@code poll} that made room): its continuations find it in the queue, or already
     *         handed to a getter that was waiting. It fails with
     *         {@link QueueShutdownException} if the queue is or gets shut down first. Cancelling it before it
     *         completes withdraws the item.
     * @throws NullPointerException if {@code item} is null
     */
    public AsyncFuture<Void> put(T item) {
        Objects.requireNonNull(item, "item");
        AsyncFuture<T> taker = null;
        Putter<T> putter = null;
        boolean open;
        mutex.lock();
        try {
            settleAdmission();
            open = state == State.OPEN;
            if (open && (taker = accept(item)) == null) {
                putter = new Putter<>(item, new AsyncFuture<>());
                putters.addLast(putter);
            }
        } finally {
            unlock();
        }
        if (!open) {
            return AsyncFuture.failed(shutDown("put"));
        }
        if (putter == null) {
            handOver(taker, item);
            return Wakeups.DONE;
        }
        Putter<T> p = putter;
        p.future.onCancel(() -> forget(p));
        return p.future;
    }

    /**
     * Puts an item if there is room now, without waiting (asyncio {@code put_nowait}, which raises
     * {@code QueueFull} where this returns false).
     *
     * @param item the item
     * @return true if the item was accepted; false if the queue is full or others wait to put
     * @throws QueueShutdownException if the queue was shut down
     * @throws NullPointerException   if {@code item} is null
     */
    public boolean offer(T item) {
        Objects.requireNonNull(item, "item");
        AsyncFuture<T> taker;
        boolean open;
        mutex.lock();
        try {
            settleAdmission();
            open = state == State.OPEN;
            taker = open ? accept(item) : null;
        } finally {
            unlock();
        }
        if (!open) {
            throw shutDown("offer");
        }
        handOver(taker, item);
        return taker != null;
    }

    /**
     * Takes the next item, waiting for one if the queue is empty (asyncio {@code await q.get()}).
     *
     * @return a completed future if an item was there; otherwise a future completed with the next item put.
     *         It fails with {@link QueueShutdownException} if the queue is shut down and empty, or was shut down
     *         immediately. Cancelling it before it completes withdraws the getter; no item is consumed.
     */
    public AsyncFuture<T> get() {
        T item;
        AsyncFuture<T> getter = null;
        mutex.lock();
        try {
            item = take();
            if (item == null && state == State.OPEN) {
                getter = new AsyncFuture<>();
                getters.addLast(getter);
            }
        } finally {
            unlock();
        }
        if (item != null) {
            return AsyncFuture.completed(item);
        }
        if (getter == null) {
            return AsyncFuture.failed(shutDown("get"));
        }
        AsyncFuture<T> g = getter;
        g.onCancel(() -> forget(g));
        return g;
    }

    /**
     * Takes the next item if there is one, without waiting (asyncio {@code get_nowait}, which raises
     * {@code QueueEmpty} where this returns {@code null}).
     *
     * @return the item, or {@code null} if the queue is empty or was shut down immediately
     */
    public T poll() {
        mutex.lock();
        try {
            return take();
        } finally {
            unlock();
        }
    }

    /**
     * Records that an item taken from the queue has been processed (asyncio {@code task_done()}). Every item
     * put counts as one unfinished task until a {@code taskDone()}; when none is left, {@link #join()} futures
     * complete, on this thread.
     *
     * @throws IllegalStateException if called more times than items were put
     */
    public void taskDone() {
        List<AsyncFuture<Void>> finished;
        mutex.lock();
        try {
            settleAdmission(); // a put whose future completed counts, though not placed yet
            if (unfinished <= 0) {
                throw new IllegalStateException("taskDone() called more times than items were put");
            }
            unfinished--;
            finished = unfinished == 0 ? takeJoiners() : null;
        } finally {
            unlock();
        }
        completeAll(finished);
    }

    /**
     * Waits until every item put has been taken and marked done with {@link #taskDone()} (asyncio
     * {@code await q.join()}).
     *
     * @return a completed future (a shared instance) if no task is unfinished; otherwise a future completed
     *         with {@code null} by the {@code taskDone()} (or immediate shutdown) that finishes the last one.
     *         It never fails. Cancelling it only withdraws this waiter.
     */
    public AsyncFuture<Void> join() {
        AsyncFuture<Void> joiner = null;
        mutex.lock();
        try {
            settleAdmission();
            if (unfinished != 0) {
                if (joiners == null) {
                    joiners = new ArrayList<>(2);
                }
                joiner = new AsyncFuture<>();
                joiners.add(joiner);
            }
        } finally {
            unlock();
        }
        if (joiner == null) {
            return Wakeups.DONE;
        }
        AsyncFuture<Void> j = joiner;
        j.onCancel(() -> forgetJoiner(j));
        return j;
    }

    /**
     * Shuts the queue down (asyncio 3.13 {@code shutdown(immediate)}): later puts fail, and every waiting putter
     * and getter fails, with {@link QueueShutdownException}. Without {@code immediately}, gets return the items
     * left and fail once the queue is empty; with it, the items left are discarded, each counting as a finished
     * task (which may complete {@link #join()}), and gets fail at once. Items already being handed to a woken
     * getter still reach it. Shutting down again only upgrades a plain shutdown to an immediate one.
     *
     * @param immediately whether to discard the items left
     */
    public void shutdown(boolean immediately) {
        mutex.lock();
        try {
            settleAdmission(); // a put whose future completed before the shutdown took effect
        } finally {
            unlock();
        }
        List<AsyncFuture<T>> failedGetters;
        List<Putter<T>> failedPutters;
        List<AsyncFuture<Void>> finished = null;
        mutex.lock();
        try {
            if (state == State.SHUT_DOWN_IMMEDIATELY || (state == State.SHUT_DOWN && !immediately)) {
                return;
            }
            failedPutters = new ArrayList<>(putters.size());
            for (Putter<T> p : putters) {
                if (p.future != null) {
                    failedPutters.add(p);
                } else {
                    store.addOldest(p.item); // accepted already: stays gettable, past the capacity if need be
                }
            }
            putters.clear();
            if (immediately) {
                state = State.SHUT_DOWN_IMMEDIATELY;
                unfinished = Math.max(0, unfinished - store.size());
                store.clear();
                if (unfinished == 0) {
                    finished = takeJoiners();
                }
            } else {
                state = State.SHUT_DOWN;
            }
            failedGetters = new ArrayList<>(getters);
            getters.clear();
        } finally {
            unlock();
        }
        if (failedGetters.isEmpty() && failedPutters.isEmpty() && finished == null) {
            return;
        }
        List<AsyncFuture<Void>> joined = finished;
        Wakeups.run(() -> {
            for (AsyncFuture<T> g : failedGetters) {
                g.settleExceptionally(shutDown("get"));
            }
            for (Putter<T> p : failedPutters) {
                p.future.settleExceptionally(shutDown("put"));
            }
            if (joined != null) {
                for (AsyncFuture<Void> j : joined) {
                    j.settle(null);
                }
            }
        });
    }

    /**
     * Returns whether {@link #shutdown} was called.
     *
     * @return true once shut down
     */
    public boolean isShutdown() {
        return underMutex(() -> state != State.OPEN);
    }

    /**
     * Returns the number of items a {@code get} could take now (asyncio {@code qsize()}): a woken putter's item
     * counts from the moment its future completes.
     *
     * @return the stored items, a snapshot, at most {@link #capacity()}
     */
    public int size() {
        return underMutex(() -> store.size() + (admittedItemStored() ? 1 : 0));
    }

    /**
     * Returns whether no item can be taken now (asyncio {@code empty()}).
     *
     * @return true if {@link #size()} is zero
     */
    public boolean isEmpty() {
        return size() == 0;
    }

    /**
     * Returns whether the stored items and the slot reserved for a woken putter fill the capacity (asyncio
     * {@code full()}). A put may still wait when this is false, if other puts wait before it.
     *
     * @return true if full
     */
    public boolean isFull() {
        return underMutex(() -> occupancy() >= capacity);
    }

    /**
     * Returns the most items the queue holds (asyncio {@code maxsize}).
     *
     * @return the capacity, positive
     */
    public int capacity() {
        return capacity;
    }

    /**
     * Returns how many {@code get} futures are waiting, for monitoring and tests.
     *
     * @return the number of waiting getters, a snapshot
     */
    public int waitingGetters() {
        return underMutex(() -> getters.size());
    }

    /**
     * Returns how many {@code put} futures are waiting, for monitoring and tests.
     *
     * @return the number of waiting putters, a snapshot
     */
    public int waitingPutters() {
        return underMutex(() -> putters.size());
    }

    /**
     * Returns the number of items put and not yet marked done with {@link #taskDone()}.
     *
     * @return the unfinished tasks, a snapshot
     */
    public long unfinishedTasks() {
        return underMutex(() -> unfinished + (admittedItemIn() ? 1 : 0));
    }

    @Override
    public String toString() {
        mutex.lock();
        try {
            long tasks = unfinished + (admittedItemIn() ? 1 : 0);
            return "AsyncQueue[capacity=" + capacity + ", size=" + (store.size() + (admittedItemStored() ? 1 : 0))
                    + (getters.isEmpty() ? "" : ", getters=" + getters.size())
                    + (putters.isEmpty() ? "" : ", putters=" + putters.size())
                    + (tasks == 0 ? "" : ", tasks=" + tasks)
                    + (state == State.OPEN ? "" : ", " + state.name().toLowerCase(java.util.Locale.ROOT)) + "]";
        } finally {
            mutex.unlock();
        }
    }

    // ---- hand-over ----

    /** Releases the mutex, then runs the wake-ups decided while it was held, on this thread. */
    private void unlock() {
        List<Runnable> run = wakeUps;
        wakeUps = null;
        mutex.unlock();
        if (run != null) {
            for (Runnable r : run) {
                Wakeups.run(r);
            }
        }
    }

    /** Under the mutex: {@code wakeUp} runs once the mutex is released. */
    private void wakeLater(Runnable wakeUp) {
        if (wakeUps == null) {
            wakeUps = new ArrayList<>(2);
        }
        wakeUps.add(wakeUp);
    }

    /**
     * Under the mutex, for put and offer: takes the item in if no putter waits before it and there is room. Returns
     * the first waiting getter, to be handed the item once the mutex is released, or {@link #STORED} if the item
     * went to the store; {@code null} if it was not taken in.
     */
    @SuppressWarnings("unchecked")
    private AsyncFuture<T> accept(T item) {
        if (!nobodyAheadToPut()) {
            return null;
        }
        AsyncFuture<T> getter = pollLive(getters);
        if (getter == null) {
            if (store.size() >= capacity) {
                return null;
            }
            store.add(item);
            getter = (AsyncFuture<T>) STORED;
        }
        unfinished++;
        return getter;
    }

    /** Hands an accepted item to the getter {@link #accept} returned, if it returned one. */
    private void handOver(AsyncFuture<T> taker, T item) {
        if (taker != null && taker != STORED) {
            Wakeups.run(() -> deliver(taker, item));
        }
    }

    /** Under the mutex, for get and poll: takes the next item, or returns {@code null} if there is none. */
    private T take() {
        settleAdmission();
        // Never overtakes a waiting getter: getters wait only while the store is empty.
        T item = state == State.SHUT_DOWN_IMMEDIATELY ? null : store.poll();
        if (item != null) {
            wakePutters();
        }
        return item;
    }

    /**
     * Under the mutex: the stored items and the admitted putter's slot, reserved until its future completes and
     * then held by its item (unless a getter waits for that item or an immediate shutdown discards it).
     */
    private int occupancy() {
        boolean reserved = admitted != null && !over(admitted.future);
        return store.size() + (reserved || admittedItemStored() ? 1 : 0);
    }

    /** Under the mutex: no putter waits or is being let in, so a new item may go straight in. */
    private boolean nobodyAheadToPut() {
        return putters.isEmpty() && admitted == null;
    }

    /**
     * Under the mutex: whether the admitted putter's put has taken effect (its future completed normally) and its
     * item counts as put, though {@link #settleAdmission} has not placed it yet. Read-only views (size, isFull,
     * unfinishedTasks) count it without placing it, so that looking at the queue never completes a waiter.
     */
    private boolean admittedItemIn() {
        Putter<T> p = admitted;
        return p != null && p.future.isDone() && !p.future.isGivenUp() && !p.future.isCompletedExceptionally()
                && state != State.SHUT_DOWN_IMMEDIATELY;
    }

    /** Under the mutex: whether the admitted putter's item, once placed, goes to the store rather than a getter. */
    private boolean admittedItemStored() {
        if (!admittedItemIn()) {
            return false;
        }
        for (AsyncFuture<T> g : getters) {
            if (!over(g)) {
                return false;
            }
        }
        return true;
    }

    /** Completes a woken getter with its item; if it was cancelled first, passes the item on. */
    private void deliver(AsyncFuture<T> getter, T item) {
        if (getter.settle(item)) {
            return;
        }
        List<AsyncFuture<Void>> finished = null;
        mutex.lock();
        try {
            settleAdmission(); // the item given back goes after one whose put took effect first
            if (state == State.SHUT_DOWN_IMMEDIATELY) {
                finished = discardAccepted(); // like the items left at the immediate shutdown
            } else {
                place(item, true);
            }
        } finally {
            unlock();
        }
        completeAll(finished);
    }

    /**
     * Completes a woken putter's future, the moment its put takes effect, then places its item (or, if the put was
     * cancelled first, frees its slot), unless a call on another thread has already done so.
     */
    private void admit(Putter<T> putter) {
        completePut(putter.future);
        mutex.lock();
        try {
            settleAdmission();
        } finally {
            unlock();
        }
    }

    /**
     * The one place where a waiting put's future completes with success. Its continuations may run at once and
     * look at the queue: every method first settles the admission this completion decides, so they find the item
     * in. A put cancelled first stays cancelled and its item never goes in.
     */
    private static void completePut(AsyncFuture<Void> put) {
        put.settle(null);
    }

    /**
     * Under the mutex: once the admitted putter's future is complete, places its item (its put took effect when
     * the future completed; an immediate shutdown since discards the item) or, if the put was cancelled, drops it;
     * either way its slot is settled and the next putter may be woken. Every method that changes the queue calls
     * this first, and the read-only views count the item as placed, so nobody sees the moment between a put's
     * completion and its item.
     */
    private void settleAdmission() {
        Putter<T> p = admitted;
        if (p == null || !over(p.future)) {
            return;
        }
        boolean in = admittedItemIn();
        admitted = null;
        if (in) {
            unfinished++;
            place(p.item, false);
        }
        wakePutters();
    }

    /**
     * Under the mutex: gives an accepted item to the first live getter, else stores it; an item given back by a
     * cancelled getter when the queue has filled up meanwhile waits at the head of the putters instead.
     */
    private void place(T item, boolean givenBack) {
        AsyncFuture<T> getter = pollLive(getters);
        if (getter != null) {
            wakeLater(() -> deliver(getter, item));
        } else if (!givenBack) {
            store.add(item); // its slot was reserved
        } else if (occupancy() < capacity) {
            store.addOldest(item);
        } else {
            putters.addFirst(new Putter<>(item, null));
        }
    }

    /** Under the mutex: an accepted item is dropped by an immediate shutdown; its task counts as finished. */
    private List<AsyncFuture<Void>> discardAccepted() {
        unfinished = Math.max(0, unfinished - 1);
        return unfinished == 0 ? takeJoiners() : null;
    }

    /**
     * Under the mutex: wakes the next waiting putter if a slot is free and no other is being let in. Putters are
     * let in one at a time, each settled admission waking the next: two admissions in flight could complete in the
     * wrong order, and one producer's items must come out in the order it put them. An item given back by a
     * cancelled getter has no future to complete (it was accepted long ago) and goes in at once.
     */
    private void wakePutters() {
        while (admitted == null && !putters.isEmpty() && occupancy() < capacity) {
            Putter<T> p = putters.pollFirst();
            if (p.future == null) {
                place(p.item, true);
            } else if (!over(p.future)) {
                admitted = p;
                wakeLater(() -> admit(p));
            }
        }
    }

    /** Whether a waiter is over: given up (its action may still be running) or complete. */
    private static boolean over(AsyncFuture<?> f) {
        return f.isDone() || f.isGivenUp();
    }

    private static <F extends AsyncFuture<?>> F pollLive(ArrayDeque<F> waiters) {
        F f;
        do {
            f = waiters.pollFirst();
        } while (f != null && over(f)); // given up; its cancellation action will find it gone
        return f;
    }

    private static void completeAll(List<AsyncFuture<Void>> joiners) {
        if (joiners != null) {
            Wakeups.run(() -> {
                for (AsyncFuture<Void> j : joiners) {
                    j.settle(null);
                }
            });
        }
    }

    private List<AsyncFuture<Void>> takeJoiners() {
        List<AsyncFuture<Void>> taken = joiners;
        joiners = null;
        return taken;
    }

    private void forget(AsyncFuture<T> getter) {
        mutex.lock();
        try {
            getters.remove(getter);
        } finally {
            unlock();
        }
    }

    private void forget(Putter<T> putter) {
        mutex.lock();
        try {
            putters.remove(putter);
            settleAdmission(); // if it was being admitted, its slot passes on now
        } finally {
            unlock();
        }
    }

    private void forgetJoiner(AsyncFuture<Void> joiner) {
        mutex.lock();
        try {
            if (joiners != null) {
                joiners.remove(joiner);
            }
        } finally {
            unlock();
        }
    }

    private QueueShutdownException shutDown(String operation) {
        return new QueueShutdownException(operation + " on a queue that was shut down");
    }

    /**
     * A waiting put: its future and the item it will let in; or, with no future, an accepted item given back by
     * a cancelled getter, waiting for a free slot.
     */
    private static final class Putter<T> {
        final T item;
        final AsyncFuture<Void> future;

        Putter(T item, AsyncFuture<Void> future) {
            this.item = item;
            this.future = future;
        }
    }

    /** Reads a snapshot of the state under the mutex. */
    private <R> R underMutex(Supplier<R> read) {
        mutex.lock();
        try {
            return read.get();
        } finally {
            mutex.unlock();
        }
    }
}
