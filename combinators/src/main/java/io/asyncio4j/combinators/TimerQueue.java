package io.asyncio4j.combinators;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The thread of an {@link AsyncTimer} and its due tasks: a binary heap ordered by deadline, then by submission.
 *
 * <p>Why not a {@code ScheduledThreadPoolExecutor}: it signals its thread whenever a new task becomes the head of
 * its queue, and with removal on cancel that is most schedules of a server whose timeouts differ (a 10 s header
 * timeout set after a 15 s keep-alive one was removed): a wake-up and a context switch per request. Here the
 * thread is woken only when a task is due before the moment it already plans to wake up; a cancelled task leaves
 * the heap at once, and the thread, waking at the deadline it had planned, just plans again.
 *
 * <p>Tasks due later than {@link #NEAR_NANOS} wait first in a timing wheel: {@link #SLOTS} slots of
 * {@code 2^}{@link #SLOT_SHIFT} ns (about 67 ms, 34 s in all), each a doubly linked list, so that scheduling and
 * cancelling them cost a few pointer writes instead of a walk through the heap. Most such tasks are timeouts that
 * are cancelled long before they are due (a request's header timeout, once the header arrived). The thread moves
 * a slot's tasks into the heap one slot before the slot begins, and the heap runs them at their exact deadlines:
 * the wheel changes the cost, not the timing.
 */
final class TimerQueue {

    private static final int SCHEDULED = 0;
    private static final int STARTED = 1;
    private static final int CANCELLED = 2;

    /** A task in the queue; cancelling it removes it from the heap. */
    static final class Entry implements TimerHandle.Cancellable {
        private static final VarHandle STATE;

        static {
            try {
                STATE = MethodHandles.lookup().findVarHandle(Entry.class, "state", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final long deadline;
        private final Runnable task;
        private final TimerQueue queue;
        private long seq;
        /** Position in the heap, -1 when out of it; under the queue's lock. */
        private int index = -1;
        /** Whether it waits in a wheel slot, and its neighbours there; under the queue's lock. */
        private boolean inWheel;
        private Entry prev;
        private Entry next;
        private volatile int state;

        Entry(long deadline, Runnable task, TimerQueue queue) {
            this.deadline = deadline;
            this.task = task;
            this.queue = queue;
        }

        @Override
        public boolean cancel() {
            if (!STATE.compareAndSet(this, SCHEDULED, CANCELLED)) {
                return false;
            }
            queue.remove(this);
            return true;
        }

        @Override
        public boolean isCancelled() {
            return state == CANCELLED;
        }

        boolean claim() {
            return STATE.compareAndSet(this, SCHEDULED, STARTED);
        }

        boolean before(Entry other) {
            long d = deadline - other.deadline;
            return d < 0 || d == 0 && seq < other.seq;
        }
    }

    static {
        // Scheduling must not need the class path later: a listener retries accepts through the timer when the
        // process is out of descriptors, when a class could not be read from a directory any more.
        Entry.class.getName();
    }

    /** Tasks due at least this far ahead go to the wheel: three slots, past the slot moved next and the one after. */
    static final long NEAR_NANOS = 3L << 26;
    static final int SLOT_SHIFT = 26;
    static final int SLOTS = 512;
    private static final int SLOT_MASK = SLOTS - 1;

    private final String threadName;
    private final ReentrantLock lock = new ReentrantLock();
    // Under lock.
    private Entry[] heap = new Entry[16];
    private int size;
    private long submissions;
    private Thread thread;
    private boolean closed;
    /** Whether the thread will wake by itself at {@link #plannedWake} (it is awake, or parked with a deadline). */
    private boolean planned;
    private long plannedWake;
    /** The wheel: the first task of each slot's list. */
    private final Entry[] slots = new Entry[SLOTS];
    private int wheelCount;
    /** Every tick (deadline {@code >> SLOT_SHIFT}) up to this one has been moved to the heap. */
    private long wheelTick = Long.MIN_VALUE;

    TimerQueue(String threadName) {
        this.threadName = threadName;
    }

    /**
     * Runs {@code task} on the timer thread once {@code delayNanos} have passed.
     *
     * @throws RejectedExecutionException if the queue was closed
     */
    Entry schedule(long delayNanos, Runnable task) {
        long now = System.nanoTime();
        return insert(now + Math.max(0, delayNanos), now, task);
    }

    /**
     * Runs {@code task} on the timer thread once {@link System#nanoTime()} reaches {@code deadline} (at once if it
     * has).
     *
     * @throws RejectedExecutionException if the queue was closed
     */
    Entry scheduleAt(long deadline, Runnable task) {
        return insert(deadline, System.nanoTime(), task);
    }

    private Entry insert(long deadline, long now, Runnable task) {
        Entry e = new Entry(deadline, task, this);
        Thread wake = null;
        lock.lock();
        try {
            if (closed) {
                throw new RejectedExecutionException("the timer " + threadName + " is closed");
            }
            e.seq = submissions++;
            long wakeAt = deadline;
            if (addToWheel(e, now)) {
                wakeAt = migrationTime(deadline >> SLOT_SHIFT);
            } else {
                add(e);
            }
            if (thread == null) {
                thread = new Thread(this::run, threadName);
                thread.setDaemon(true);
                planned = true;
                plannedWake = wakeAt;
                thread.start();
            } else if (!planned || wakeAt - plannedWake < 0) {
                planned = true;
                plannedWake = wakeAt;
                wake = thread;
            }
        } finally {
            lock.unlock();
        }
        if (wake != null) {
            LockSupport.unpark(wake);
        }
        return e;
    }

    /** Returns how many tasks wait in the queue. */
    int size() {
        lock.lock();
        try {
            return size + wheelCount;
        } finally {
            lock.unlock();
        }
    }

    /** Drops every waiting task and stops the thread; later schedules are rejected. */
    void close() {
        Thread t;
        lock.lock();
        try {
            closed = true;
            for (int i = 0; i < size; i++) {
                heap[i].index = -1;
            }
            Arrays.fill(heap, 0, size, null);
            size = 0;
            for (int i = 0; i < SLOTS; i++) {
                for (Entry e = slots[i]; e != null; e = e.next) {
                    e.inWheel = false;
                }
                slots[i] = null;
            }
            wheelCount = 0;
            t = thread;
        } finally {
            lock.unlock();
        }
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    private void remove(Entry e) {
        lock.lock();
        try {
            if (e.index >= 0) {
                removeAt(e.index);
            } else if (e.inWheel) {
                unlink(e);
            }
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (true) {
            Entry due = null;
            long waitNanos = 0;
            lock.lock();
            try {
                if (closed) {
                    return;
                }
                long now = System.nanoTime();
                migrate(now);
                Entry head = size > 0 ? heap[0] : null;
                if (head != null && head.deadline - now <= 0) {
                    removeAt(0);
                    due = head;
                    planned = true; // awake: a task scheduled meanwhile is seen on the next turn, no wake-up needed
                    plannedWake = now;
                } else if (head != null || wheelCount > 0) {
                    long wakeAt = head != null ? head.deadline : Long.MAX_VALUE;
                    if (wheelCount > 0) {
                        long migration = nextMigration();
                        if (head == null || migration - wakeAt < 0) {
                            wakeAt = migration;
                        }
                    }
                    planned = true;
                    plannedWake = wakeAt;
                    waitNanos = Math.max(1, wakeAt - now);
                } else {
                    planned = false;
                }
            } finally {
                lock.unlock();
            }
            if (due != null) {
                if (due.claim()) {
                    runSafely(due.task);
                }
            } else if (waitNanos == 0) {
                LockSupport.park(this);
            } else {
                LockSupport.parkNanos(this, waitNanos);
            }
        }
    }

    /** Runs a task, reporting a failure to the thread's handler without losing the thread (timer and lane). */
    static void runSafely(Runnable task) {
        try {
            task.run();
        } catch (Throwable t) {
            Thread self = Thread.currentThread();
            self.getUncaughtExceptionHandler().uncaughtException(self, t);
        }
    }

    // ---- the wheel; under lock ----

    /** When the thread moves the tasks of {@code tick} to the heap: when the tick before it begins. */
    private static long migrationTime(long tick) {
        return (tick - 1) << SLOT_SHIFT;
    }

    /**
     * Puts {@code e} in its slot if it is due after the slots already moved to the heap and within the wheel;
     * returns whether it did. While the wheel holds tasks the thread keeps {@link #wheelTick} close to the clock
     * (it wakes for each slot), so a task is only let in a slot at least one slot ahead; should the thread be
     * late, the task's slot is due to move already and the thread is woken for it, as it would be for a task put
     * in the heap. An empty wheel catches up with {@code now}.
     */
    private boolean addToWheel(Entry e, long now) {
        long tick = e.deadline >> SLOT_SHIFT;
        if (wheelCount == 0) {
            wheelTick = (now >> SLOT_SHIFT) + 1;
        }
        if (tick - wheelTick < 2 || tick - wheelTick >= SLOTS) {
            return false;
        }
        int slot = (int) (tick & SLOT_MASK);
        Entry first = slots[slot];
        e.next = first;
        if (first != null) {
            first.prev = e;
        }
        slots[slot] = e;
        e.inWheel = true;
        wheelCount++;
        return true;
    }

    private void unlink(Entry e) {
        if (e.prev != null) {
            e.prev.next = e.next;
        } else {
            slots[(int) ((e.deadline >> SLOT_SHIFT) & SLOT_MASK)] = e.next;
        }
        if (e.next != null) {
            e.next.prev = e.prev;
        }
        e.prev = null;
        e.next = null;
        e.inWheel = false;
        wheelCount--;
    }

    /** Moves to the heap the tasks of every tick up to the one after {@code now}'s. */
    private void migrate(long now) {
        long target = (now >> SLOT_SHIFT) + 1;
        while (wheelCount > 0 && wheelTick - target < 0) {
            wheelTick++;
            int slot = (int) (wheelTick & SLOT_MASK);
            for (Entry e = slots[slot]; e != null; ) {
                Entry next = e.next;
                e.prev = null;
                e.next = null;
                e.inWheel = false;
                wheelCount--;
                add(e);
                e = next;
            }
            slots[slot] = null;
        }
    }

    /** When the next non-empty slot is to be moved to the heap; the wheel must not be empty. */
    private long nextMigration() {
        for (long tick = wheelTick + 1; tick - wheelTick < SLOTS; tick++) {
            if (slots[(int) (tick & SLOT_MASK)] != null) {
                return migrationTime(tick);
            }
        }
        throw new IllegalStateException("timer wheel count " + wheelCount + " but no task in any slot");
    }

    // ---- the heap; under lock ----

    private void add(Entry e) {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        siftUp(size++, e);
    }

    private void removeAt(int i) {
        Entry removed = heap[i];
        removed.index = -1;
        int last = --size;
        Entry moved = heap[last];
        heap[last] = null;
        if (i != last) {
            siftDown(i, moved);
            if (heap[i] == moved) {
                siftUp(i, moved);
            }
        }
    }

    private void siftUp(int i, Entry e) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Entry p = heap[parent];
            if (!e.before(p)) {
                break;
            }
            heap[i] = p;
            p.index = i;
            i = parent;
        }
        heap[i] = e;
        e.index = i;
    }

    private void siftDown(int i, Entry e) {
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            Entry c = heap[child];
            int right = child + 1;
            if (right < size && heap[right].before(c)) {
                child = right;
                c = heap[child];
            }
            if (!c.before(e)) {
                break;
            }
            heap[i] = c;
            c.index = i;
            i = child;
        }
        heap[i] = e;
        e.index = i;
    }
}
