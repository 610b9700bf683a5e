package io.asyncio4j.combinators;

import io.asyncio4j.AsyncFuture;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
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
 * <h2>asyncio's own scheduling</h2>
 * A queue made with {@link #fifo(int, Executor)} schedules its waiters as asyncio's {@code Queue} does on its event
 * loop, for code that must interleave exactly as asyncio code would (ported programs, the samples' tour): a put
 * stores its item even while getters wait, and wakes the first getter through the loop; the getter takes the head
 * item when that wake-up runs, so until then the item counts against the capacity and a put finding the queue
 * full waits. A woken putter likewise puts its item when its wake-up runs (and waits again if the queue filled up
 * meanwhile), and {@link #join} completes through the loop. A waiter cancelled after it was woken passes its
 * wake-up on. Give it the executor of a single-threaded loop; the queue stays thread-safe either way.
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
    /** The loop waiters resume through (asyncio's scheduling), or {@code null} for direct hand-over. */
    private final Executor loop;
    /** With a loop: getters waiting for an item, putters waiting for room; wake-ups carry no item. */
    private final ArrayDeque<AsyncFuture<Void>> itemWaiters;
    private final ArrayDeque<AsyncFuture<Void>> roomWaiters;

    private AsyncQueue(int capacity, ItemStore<T> store, Executor loop) {
        this.capacity = capacity;
        this.store = store;
        this.loop = loop;
        this.itemWaiters = loop == null ? null : new ArrayDeque<>();
        this.roomWaiters = loop == null ? null : new ArrayDeque<>();
    }

    private AsyncQueue(int capacity, ItemStore<T> store) {
        this(capacity, store, null);
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
     * Creates a first-in, first-out queue whose waiters resume through {@code loop}, exactly as asyncio's
     * {@code Queue(maxsize)} schedules them (see "asyncio's own scheduling" above): use it where code must
     * interleave as the asyncio original does. The futures of its waiters complete, and their continuations run,
     * on {@code loop}.
     *
     * @param capacity the most items the queue holds, items whose woken getter has not run yet included
     * @param loop     the executor of a single-threaded loop; if it rejects a task, the wake-up runs on the
     *                 calling thread
     * @param <T>      the item type
     * @return an empty queue
     * @throws IllegalArgumentException if {@code capacity} is not positive
     */
    public static <T> AsyncQueue<T> fifo(int capacity, Executor loop) {
        return new AsyncQueue<>(checkCapacity(capacity), ItemStore.fifo(capacity), Objects.requireNonNull(loop, "loop"));
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
        if (loop != null) {
            return loopPut(item);
        }
        AsyncFuture<T> getter = null;
        Putter<T> putter = null;
        boolean shutDown = false;
        List<Runnable> wakeUps;
        mutex.lock();
        try {
            wakeUps = settleAdmission(null);
            if (state != State.OPEN) {
                shutDown = true;
            } else if (nobodyAheadToPut() && (getter = pollLive(getters)) != null) {
                unfinished++;
            } else if (nobodyAheadToPut() && store.size() < capacity) {
                store.add(item);
                unfinished++;
            } else {
                putter = new Putter<>(item, new AsyncFuture<>());
                putters.addLast(putter);
            }
        } finally {
            mutex.unlock();
        }
        runAll(wakeUps);
        if (shutDown) {
            return AsyncFuture.failed(shutDown("put"));
        }
        if (getter != null) {
            handOver(getter, item);
        }
        if (putter == null) {
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
        if (loop != null) {
            return loopOffer(item);
        }
        AsyncFuture<T> getter = null;
        boolean accepted = true;
        boolean shutDown = false;
        List<Runnable> wakeUps;
        mutex.lock();
        try {
            wakeUps = settleAdmission(null);
            if (state != State.OPEN) {
                shutDown = true;
            } else if (nobodyAheadToPut() && (getter = pollLive(getters)) != null) {
                unfinished++;
            } else if (nobodyAheadToPut() && store.size() < capacity) {
                store.add(item);
                unfinished++;
            } else {
                accepted = false;
            }
        } finally {
            mutex.unlock();
        }
        runAll(wakeUps);
        if (shutDown) {
            throw shutDown("offer");
        }
        if (getter != null) {
            handOver(getter, item);
        }
        return accepted;
    }

    /**
     * Takes the next item, waiting for one if the queue is empty (asyncio {@code await q.get()}).
     *
     * @return a completed future if an item was there; otherwise a future completed with the next item put.
     *         It fails with {@link QueueShutdownException} if the queue is shut down and empty, or was shut down
     *         immediately. Cancelling it before it completes withdraws the getter; no item is consumed.
     */
    public AsyncFuture<T> get() {
        if (loop != null) {
            return loopGet();
        }
        T item = null;
        AsyncFuture<T> getter = null;
        List<Runnable> wakeUps;
        mutex.lock();
        try {
            wakeUps = settleAdmission(null);
            if (state != State.SHUT_DOWN_IMMEDIATELY) {
                item = store.poll(); // never overtakes a waiting getter: getters wait only while the store is empty
            }
            if (item != null) {
                wakeUps = wakePutters(wakeUps);
            } else if (state == State.OPEN) {
                getter = new AsyncFuture<>();
                getters.addLast(getter);
            }
        } finally {
            mutex.unlock();
        }
        runAll(wakeUps);
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
        if (loop != null) {
            return loopPoll();
        }
        T item = null;
        List<Runnable> wakeUps;
        mutex.lock();
        try {
            wakeUps = settleAdmission(null);
            if (state != State.SHUT_DOWN_IMMEDIATELY) {
                item = store.poll();
            }
            if (item != null) {
                wakeUps = wakePutters(wakeUps);
            }
        } finally {
            mutex.unlock();
        }
        runAll(wakeUps);
        return item;
    }

    /**
     * Records that an item taken from the queue has been processed (asyncio {@code task_done()}). Every item
     * put counts as one unfinished task until a {@code taskDone()}; when none is left, {@link #join()} futures
     * complete, on this thread.
     *
     * @throws IllegalStateException if called more times than items were put
     */
    public void taskDone() {
        List<AsyncFuture<Void>> finished = null;
        List<Runnable> wakeUps;
        boolean underflow = false;
        mutex.lock();
        try {
            wakeUps = settleAdmission(null); // a put whose future completed counts, though not placed yet
            if (unfinished <= 0) {
                underflow = true;
            } else {
                unfinished--;
                finished = unfinished == 0 ? takeJoiners() : null;
            }
        } finally {
            mutex.unlock();
        }
        runAll(wakeUps);
        if (underflow) {
            throw new IllegalStateException("taskDone() called more times than items were put");
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
        AsyncFuture<Void> joiner = new AsyncFuture<>();
        boolean finished;
        List<Runnable> wakeUps;
        mutex.lock();
        try {
            wakeUps = settleAdmission(null);
            finished = unfinished == 0;
            if (!finished) {
                if (joiners == null) {
                    joiners = new ArrayList<>(2);
                }
                joiners.add(joiner);
            }
        } finally {
            mutex.unlock();
        }
        runAll(wakeUps);
        if (finished) {
            return Wakeups.DONE;
        }
        joiner.onCancel(() -> forgetJoiner(joiner));
        return joiner;
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
        List<Runnable> wakeUps;
        mutex.lock();
        try {
            wakeUps = settleAdmission(null); // a put whose future completed before the shutdown took effect
        } finally {
            mutex.unlock();
        }
        runAll(wakeUps);
        List<AsyncFuture<T>> failedGetters;
        List<Putter<T>> failedPutters;
        List<AsyncFuture<Void>> finished = null;
        List<AsyncFuture<Void>> woken = null;
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
            if (loop != null) {
                // asyncio wakes every waiter; each then finds the queue shut down (or takes an item left).
                woken = new ArrayList<>(itemWaiters);
                woken.addAll(roomWaiters);
                itemWaiters.clear();
                roomWaiters.clear();
            }
        } finally {
            mutex.unlock();
        }
        if (woken != null) {
            for (AsyncFuture<Void> w : woken) {
                onLoop(() -> w.settle(null));
            }
            if (finished != null) {
                completeAll(finished);
            }
            return;
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
        return underMutex(() -> getters.size() + (itemWaiters == null ? 0 : itemWaiters.size()));
    }

    /**
     * Returns how many {@code put} futures are waiting, for monitoring and tests.
     *
     * @return the number of waiting putters, a snapshot
     */
    public int waitingPutters() {
        return underMutex(() -> putters.size() + (roomWaiters == null ? 0 : roomWaiters.size()));
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

    // ---- asyncio's own scheduling (a queue made with a loop); called without the mutex ----

    /** asyncio {@code put}: {@code while self.full(): await putter}, then {@code put_nowait}. */
    private AsyncFuture<Void> loopPut(T item) {
        AsyncFuture<Void> wake;
        AsyncFuture<Void> wait = null;
        mutex.lock();
        try {
            if (state != State.OPEN) {
                return AsyncFuture.failed(shutDown("put"));
            }
            if (store.size() < capacity) {
                wake = storeAndTakeGetter(item);
            } else {
                wake = null;
                wait = new AsyncFuture<>();
                roomWaiters.addLast(wait);
            }
        } finally {
            mutex.unlock();
        }
        if (wait == null) {
            wakeOnLoop(wake, true);
            return Wakeups.DONE;
        }
        AsyncFuture<Void> w = wait;
        w.onCancel(() -> forgetWaiter(roomWaiters, w));
        return w.thenCompose(woken -> loopPut(item)); // woken: try again, the queue may have filled up meanwhile
    }

    /** asyncio {@code put_nowait}. */
    private boolean loopOffer(T item) {
        AsyncFuture<Void> wake;
        mutex.lock();
        try {
            if (state != State.OPEN) {
                throw shutDown("offer");
            }
            if (store.size() >= capacity) {
                return false;
            }
            wake = storeAndTakeGetter(item);
        } finally {
            mutex.unlock();
        }
        wakeOnLoop(wake, true);
        return true;
    }

    /** asyncio {@code get}: {@code while self.empty(): await getter}, then {@code get_nowait}. */
    private AsyncFuture<T> loopGet() {
        T item;
        AsyncFuture<Void> wake = null;
        AsyncFuture<Void> wait = null;
        mutex.lock();
        try {
            if (state == State.SHUT_DOWN_IMMEDIATELY) {
                return AsyncFuture.failed(shutDown("get"));
            }
            item = store.poll();
            if (item != null) {
                wake = pollLive(roomWaiters);
            } else if (state == State.SHUT_DOWN) {
                return AsyncFuture.failed(shutDown("get"));
            } else {
                wait = new AsyncFuture<>();
                itemWaiters.addLast(wait);
            }
        } finally {
            mutex.unlock();
        }
        if (item != null) {
            wakeOnLoop(wake, false);
            return AsyncFuture.completed(item);
        }
        AsyncFuture<Void> w = wait;
        w.onCancel(() -> forgetWaiter(itemWaiters, w));
        return w.thenCompose(woken -> loopGet()); // woken: take the head item, or wait again if it was taken
    }

    /** asyncio {@code get_nowait}. */
    private T loopPoll() {
        T item;
        AsyncFuture<Void> wake;
        mutex.lock();
        try {
            if (state == State.SHUT_DOWN_IMMEDIATELY) {
                return null;
            }
            item = store.poll();
            if (item == null) {
                return null;
            }
            wake = pollLive(roomWaiters);
        } finally {
            mutex.unlock();
        }
        wakeOnLoop(wake, false);
        return item;
    }

    /** Under the mutex: stores an item (there is room) and returns the getter to wake, if one waits. */
    private AsyncFuture<Void> storeAndTakeGetter(T item) {
        store.add(item);
        unfinished++;
        return pollLive(itemWaiters);
    }

    /**
     * Wakes {@code waiter} on the loop (asyncio's {@code _wakeup_next}: its continuation runs there and re-checks
     * the queue). If it was cancelled first, the wake-up goes to the next waiter, if there is still an item (for
     * a getter) or room (for a putter) for it.
     */
    private void wakeOnLoop(AsyncFuture<Void> waiter, boolean forItem) {
        if (waiter == null) {
            return;
        }
        onLoop(() -> {
            if (waiter.settle(null)) {
                return;
            }
            AsyncFuture<Void> next;
            mutex.lock();
            try {
                if (forItem) {
                    next = store.size() > 0 ? pollLive(itemWaiters) : null;
                } else {
                    next = state == State.OPEN && store.size() < capacity ? pollLive(roomWaiters) : null;
                }
            } finally {
                mutex.unlock();
            }
            wakeOnLoop(next, forItem);
        });
    }

    private void onLoop(Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException closed) {
            task.run(); // the loop is gone: better to complete here than to leave the waiter pending forever
        }
    }

    private void forgetWaiter(ArrayDeque<AsyncFuture<Void>> waiters, AsyncFuture<Void> waiter) {
        mutex.lock();
        try {
            waiters.remove(waiter);
        } finally {
            mutex.unlock();
        }
    }

    // ---- hand-over; every method below that takes the mutex is called without it ----

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

    private void handOver(AsyncFuture<T> getter, T item) {
        Wakeups.run(() -> deliver(getter, item));
    }

    /** Completes a woken getter with its item; if it was cancelled first, passes the item on. */
    private void deliver(AsyncFuture<T> getter, T item) {
        if (getter.settle(item)) {
            return;
        }
        List<Runnable> wakeUps;
        List<AsyncFuture<Void>> finished = null;
        mutex.lock();
        try {
            wakeUps = settleAdmission(null); // the item given back goes after one whose put took effect first
            if (state == State.SHUT_DOWN_IMMEDIATELY) {
                finished = discardAccepted(); // like the items left at the immediate shutdown
            } else {
                wakeUps = place(item, true, wakeUps);
            }
        } finally {
            mutex.unlock();
        }
        runAll(wakeUps);
        completeAll(finished);
    }

    /**
     * Completes a woken putter's future, the moment its put takes effect, then places its item (or, if the put was
     * cancelled first, frees its slot), unless a call on another thread has already done so.
     */
    private void admit(Putter<T> putter) {
        completePut(putter.future);
        List<Runnable> wakeUps;
        mutex.lock();
        try {
            wakeUps = settleAdmission(null);
        } finally {
            mutex.unlock();
        }
        runAll(wakeUps);
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
    private List<Runnable> settleAdmission(List<Runnable> wakeUps) {
        Putter<T> p = admitted;
        if (p == null || !over(p.future)) {
            return wakeUps;
        }
        boolean in = admittedItemIn();
        admitted = null;
        if (in) {
            unfinished++;
            wakeUps = place(p.item, false, wakeUps);
        }
        return wakePutters(wakeUps);
    }

    /**
     * Under the mutex: gives an accepted item to the first live getter, else stores it; an item given back by a
     * cancelled getter when the queue has filled up meanwhile waits at the head of the putters instead.
     */
    private List<Runnable> place(T item, boolean givenBack, List<Runnable> wakeUps) {
        AsyncFuture<T> getter = pollLive(getters);
        if (getter != null) {
            return add(wakeUps, () -> deliver(getter, item));
        }
        if (!givenBack) {
            store.add(item); // its slot was reserved
        } else if (occupancy() < capacity) {
            store.addOldest(item);
        } else {
            putters.addFirst(new Putter<>(item, null));
        }
        return wakeUps;
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
    private List<Runnable> wakePutters(List<Runnable> wakeUps) {
        while (admitted == null && !putters.isEmpty() && occupancy() < capacity) {
            Putter<T> p = putters.pollFirst();
            if (p.future == null) {
                wakeUps = place(p.item, true, wakeUps);
            } else if (!over(p.future)) {
                admitted = p;
                wakeUps = add(wakeUps, () -> admit(p));
            }
        }
        return wakeUps;
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

    private static List<Runnable> add(List<Runnable> wakeUps, Runnable wakeUp) {
        if (wakeUps == null) {
            wakeUps = new ArrayList<>(2);
        }
        wakeUps.add(wakeUp);
        return wakeUps;
    }

    private static void runAll(List<Runnable> wakeUps) {
        if (wakeUps != null) {
            for (Runnable r : wakeUps) {
                Wakeups.run(r);
            }
        }
    }

    private void completeAll(List<AsyncFuture<Void>> joiners) {
        if (joiners != null) {
            Runnable completion = () -> {
                for (AsyncFuture<Void> j : joiners) {
                    j.settle(null);
                }
            };
            if (loop != null) {
                onLoop(completion);
            } else {
                Wakeups.run(completion);
            }
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
            mutex.unlock();
        }
    }

    private void forget(Putter<T> putter) {
        List<Runnable> wakeUps;
        mutex.lock();
        try {
            putters.remove(putter);
            wakeUps = settleAdmission(null); // if it was being admitted, its slot passes on now
        } finally {
            mutex.unlock();
        }
        runAll(wakeUps);
    }

    private void forgetJoiner(AsyncFuture<Void> joiner) {
        mutex.lock();
        try {
            if (joiners != null) {
                joiners.remove(joiner);
            }
        } finally {
            mutex.unlock();
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
