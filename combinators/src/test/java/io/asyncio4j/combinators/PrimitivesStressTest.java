package io.asyncio4j.combinators;

import io.asyncio4j.AsyncFuture;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Randomized multi-threaded runs checking the invariants that must hold under any interleaving of acquire,
 * release, cancel, put, get and signal across threads: permits are conserved and never exceeded, every item
 * accepted is delivered exactly once and a withdrawn one never, no signal is lost. A lost wake-up shows up as a
 * thread stuck past the 30-second guard.
 *
 * <p>Threads block on the futures ({@code get}) as real threads would; give-ups — {@code cancel},
 * {@code completeExceptionally} or {@code orTimeout}, on the waiter's future or on a stage derived from it — come
 * from the waiter itself, from other threads holding the resource (a give-up racing with the release that wakes the
 * victim), and from a thread that keeps giving up the latest waiter, to land inside hand-overs in progress.
 */
class PrimitivesStressTest {

    private static final int THREADS = 4;
    private static final long GUARD_SECONDS = 30;
    /** Multiplies the iterations; raise it to hammer locally, e.g. {@code -Dasyncio4j.stress.scale=20}. */
    private static final int SCALE = Integer.getInteger("asyncio4j.stress.scale", 1);

    // ---- permits: AsyncLock, AsyncSemaphore, BoundedSemaphore ----

    /** The acquire/release/withPermit surface shared by the three permit primitives. */
    private interface PermitPool {
        AsyncFuture<Void> acquire();

        void release();

        int available();

        int queueLength();
    }

    @RepeatedTest(3)
    void lockIsMutuallyExclusiveAndNeverLost() throws Exception {
        AsyncLock lock = new AsyncLock();
        runPermits(1, pool(lock::acquire, lock::release, () -> lock.isLocked() ? 0 : 1, lock::queueLength));
        assertThat(lock.isLocked()).isFalse();
    }

    @RepeatedTest(3)
    void semaphorePermitsAreConserved() throws Exception {
        AsyncSemaphore sem = new AsyncSemaphore(3);
        runPermits(3, pool(sem::acquire, sem::release, sem::availablePermits, sem::queueLength));
        assertThat(sem.availablePermits()).isEqualTo(3);
    }

    @RepeatedTest(3)
    void boundedSemaphorePermitsAreConservedAndNeverOverReleased() throws Exception {
        BoundedSemaphore sem = new BoundedSemaphore(2);
        runPermits(2, pool(sem::acquire, sem::release, sem::availablePermits, sem::queueLength));
        assertThat(sem.availablePermits()).isEqualTo(2);
    }

    private static PermitPool pool(Supplier<AsyncFuture<Void>> acquire, Runnable release,
                                   Supplier<Integer> available, Supplier<Integer> queueLength) {
        return new PermitPool() {
            @Override
            public AsyncFuture<Void> acquire() {
                return acquire.get();
            }

            @Override
            public void release() {
                release.run();
            }

            @Override
            public int available() {
                return available.get();
            }

            @Override
            public int queueLength() {
                return queueLength.get();
            }
        };
    }

    private static void runPermits(int permits, PermitPool pool) throws Exception {
        int iterations = 5_000 * SCALE;
        AtomicInteger holders = new AtomicInteger();
        AtomicInteger maxHolders = new AtomicInteger();
        AtomicLong acquired = new AtomicLong();
        AtomicLong withdrawn = new AtomicLong();
        ConcurrentLinkedQueue<AsyncFuture<Void>> pending = new ConcurrentLinkedQueue<>();
        AtomicReference<AsyncFuture<?>> latest = new AtomicReference<>();
        long[] unguarded = {0};
        CountDownLatch done = new CountDownLatch(THREADS);
        List<Runnable> bodies = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            bodies.add(() -> {
                try {
                    hold(pool, permits, iterations, holders, maxHolders, acquired, withdrawn, pending, latest,
                            unguarded);
                } finally {
                    done.countDown();
                }
            });
        }
        bodies.add(canceller(latest, done));
        runThreads(bodies);
        assertThat(maxHolders.get()).isBetween(1, permits);
        assertThat(acquired.get() + withdrawn.get()).isEqualTo((long) THREADS * iterations);
        if (permits == 1) {
            assertThat(unguarded[0]).isEqualTo(acquired.get()); // no lost update: exclusive and visible
        }
        assertThat(pool.available()).isEqualTo(permits);
        assertThat(pool.queueLength()).isZero();
    }

    private static void hold(PermitPool pool, int permits, int iterations, AtomicInteger holders,
                             AtomicInteger maxHolders, AtomicLong acquired, AtomicLong withdrawn,
                             ConcurrentLinkedQueue<AsyncFuture<Void>> pending,
                             AtomicReference<AsyncFuture<?>> latest, long[] unguarded) {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        for (int i = 0; i < iterations; i++) {
            AsyncFuture<Void> f = pool.acquire();
            if (!f.isDone()) {
                pending.add(f);
                latest.set(f);
            }
            if (rnd.nextInt(10) == 0) {
                giveUp(f); // withdraw our own, possibly as it is being handed a permit
            }
            if (!await(f)) {
                withdrawn.incrementAndGet();
                continue;
            }
            acquired.incrementAndGet();
            maxHolders.accumulateAndGet(holders.incrementAndGet(), Math::max);
            if (permits == 1) {
                unguarded[0]++; // a plain read-modify-write: only the lock protects it
            }
            holders.decrementAndGet();
            AsyncFuture<Void> victim = rnd.nextInt(3) == 0 ? pending.poll() : null;
            if (victim != null && rnd.nextBoolean()) {
                giveUp(victim); // cancel, then release: the release must skip it
                pool.release();
            } else {
                pool.release();
                if (victim != null) {
                    giveUp(victim); // release, then cancel: races the hand-over to the victim
                }
            }
        }
    }

    // ---- condition ----

    @RepeatedTest(3)
    void conditionNeverLosesASignal() throws Exception {
        AsyncCondition cond = new AsyncCondition();
        int producers = 2;
        int consumers = 3;
        int perProducer = 2_000 * SCALE;
        int total = producers * perProducer;
        int[] units = {0}; // guarded by the condition's lock
        boolean[] stop = {false};
        AtomicInteger consumed = new AtomicInteger();
        AtomicInteger maxHolders = new AtomicInteger();
        AtomicInteger holders = new AtomicInteger();
        ConcurrentLinkedQueue<AsyncFuture<Void>> pending = new ConcurrentLinkedQueue<>();

        Runnable producer = () -> {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            for (int i = 0; i < perProducer; i++) {
                await(cond.acquire());
                maxHolders.accumulateAndGet(holders.incrementAndGet(), Math::max);
                units[0]++;
                AsyncFuture<Void> victim = rnd.nextInt(4) == 0 ? pending.poll() : null;
                cond.signal();
                if (victim != null) {
                    giveUp(victim); // maybe the waiter just signalled: the signal must pass on
                }
                holders.decrementAndGet();
                cond.release();
            }
        };
        Runnable consumer = () -> {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            for (;;) {
                await(cond.acquire());
                AsyncFuture<Void> ready = cond.waitFor(() -> units[0] > 0 || stop[0]);
                if (!ready.isDone()) {
                    pending.add(ready);
                }
                if (rnd.nextInt(20) == 0) {
                    giveUp(ready);
                }
                if (!await(ready)) {
                    continue; // cancelled: we do not hold the lock
                }
                maxHolders.accumulateAndGet(holders.incrementAndGet(), Math::max);
                if (units[0] > 0) {
                    units[0]--;
                    if (consumed.incrementAndGet() == total) {
                        stop[0] = true;
                        cond.signalAll();
                    }
                    holders.decrementAndGet();
                    cond.release();
                } else {
                    holders.decrementAndGet();
                    cond.release();
                    return;
                }
            }
        };
        List<Runnable> bodies = new ArrayList<>();
        for (int i = 0; i < producers; i++) {
            bodies.add(producer);
        }
        for (int i = 0; i < consumers; i++) {
            bodies.add(consumer);
        }
        runThreads(bodies);

        assertThat(consumed).hasValue(total);
        assertThat(units[0]).isZero();
        assertThat(maxHolders).hasValue(1);
        assertThat(cond.isLocked()).isFalse();
        assertThat(cond.queueLength()).isZero();
    }

    // ---- queues ----

    @RepeatedTest(3)
    void fifoQueueDeliversEveryAcceptedItemExactlyOnce() throws Exception {
        runQueue(AsyncQueue.fifo(4));
    }

    @Test
    void lifoQueueDeliversEveryAcceptedItemExactlyOnce() throws Exception {
        runQueue(AsyncQueue.lifo(4));
    }

    @Test
    void priorityQueueDeliversEveryAcceptedItemExactlyOnce() throws Exception {
        runQueue(AsyncQueue.priority(4));
    }

    private static void runQueue(AsyncQueue<Integer> q) throws Exception {
        int producers = 2;
        int consumers = 2;
        int perProducer = 5_000 * SCALE;
        Set<Integer> accepted = ConcurrentHashMap.newKeySet();
        Set<Integer> withdrawn = ConcurrentHashMap.newKeySet();
        AtomicReference<AsyncFuture<?>> latest = new AtomicReference<>();
        Map<Integer, Integer> delivered = new ConcurrentHashMap<>();
        AtomicInteger duplicates = new AtomicInteger();
        AtomicInteger maxSize = new AtomicInteger();
        ConcurrentLinkedQueue<AsyncFuture<?>> pending = new ConcurrentLinkedQueue<>();
        CountDownLatch producersDone = new CountDownLatch(producers);

        List<Runnable> bodies = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int base = p * perProducer;
            bodies.add(() -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                try {
                    for (int i = 0; i < perProducer; i++) {
                        int item = base + i;
                        AsyncFuture<Void> put = q.put(item);
                        if (!put.isDone()) {
                            pending.add(put);
                            latest.set(put);
                        }
                        if (rnd.nextInt(10) == 0) {
                            giveUp(put);
                        }
                        (await(put) ? accepted : withdrawn).add(item);
                        maxSize.accumulateAndGet(q.size(), Math::max);
                        cancelAVictim(pending, rnd);
                    }
                } finally {
                    producersDone.countDown();
                }
            });
        }
        for (int c = 0; c < consumers; c++) {
            bodies.add(() -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                for (;;) {
                    AsyncFuture<Integer> get = q.get();
                    if (!get.isDone()) {
                        pending.add(get);
                        latest.set(get);
                    }
                    if (rnd.nextInt(10) == 0) {
                        giveUp(get);
                    }
                    Integer item;
                    try {
                        item = get.get(GUARD_SECONDS, TimeUnit.SECONDS);
                    } catch (CancellationException e) {
                        continue;
                    } catch (ExecutionException e) {
                        if (givenUp(e.getCause())) {
                            continue;
                        }
                        assertThat(e.getCause()).isInstanceOf(QueueShutdownException.class);
                        return; // shut down and empty
                    } catch (InterruptedException | TimeoutException e) {
                        throw new AssertionError("consumer stuck", e);
                    }
                    if (delivered.put(item, item) != null) {
                        duplicates.incrementAndGet();
                    }
                    q.taskDone();
                    cancelAVictim(pending, rnd);
                }
            });
        }
        bodies.add(() -> {
            try {
                assertThat(producersDone.await(GUARD_SECONDS, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            q.shutdown(false); // consumers drain what is left, then stop
        });
        bodies.add(canceller(latest, producersDone));
        runThreads(bodies);

        for (Integer left = q.poll(); left != null; left = q.poll()) { // given back after the consumers stopped
            if (delivered.put(left, left) != null) {
                duplicates.incrementAndGet();
            }
            q.taskDone();
        }
        assertThat(duplicates).hasValue(0);
        assertThat(delivered.keySet()).isEqualTo(accepted);
        assertThat(accepted.size() + withdrawn.size()).isEqualTo(producers * perProducer);
        assertThat(withdrawn).doesNotContainAnyElementsOf(delivered.keySet());
        assertThat(maxSize.get()).isLessThanOrEqualTo(q.capacity());
        assertThat(q.unfinishedTasks()).isZero();
        assertThat(q.join()).isCompleted();
    }

    @RepeatedTest(2)
    void bridgeQueueLosesNothingToTimeoutsAndInterrupts() throws Exception {
        BridgeQueue<Integer> bridge = BridgeQueue.fifo(2);
        BridgeQueue.BlockingSide<Integer> side = bridge.blockingSide();
        int producers = 2;
        int perProducer = 3_000 * SCALE;
        Set<Integer> accepted = ConcurrentHashMap.newKeySet();
        Map<Integer, Integer> delivered = new ConcurrentHashMap<>();
        AtomicInteger duplicates = new AtomicInteger();
        CountDownLatch producersDone = new CountDownLatch(producers);
        List<Thread> consumerThreads = new CopyOnWriteArrayList<>();

        List<Runnable> bodies = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int base = p * perProducer;
            bodies.add(() -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                try {
                    for (int i = 0; i < perProducer; i++) {
                        int item = base + i;
                        if (side.offer(item, Duration.ofNanos(rnd.nextInt(50_000)))) {
                            accepted.add(item);
                        }
                    }
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                } finally {
                    producersDone.countDown();
                }
            });
        }
        for (int c = 0; c < 2; c++) {
            bodies.add(() -> {
                consumerThreads.add(Thread.currentThread());
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                for (;;) {
                    Integer item;
                    try {
                        item = side.poll(Duration.ofNanos(rnd.nextInt(50_000)));
                    } catch (InterruptedException e) {
                        continue; // withdrawn without taking anything
                    } catch (QueueShutdownException e) {
                        return;
                    }
                    Thread.interrupted(); // an interrupt that arrived with an item is kept: clear it
                    if (item != null && delivered.put(item, item) != null) {
                        duplicates.incrementAndGet();
                    }
                }
            });
        }
        bodies.add(() -> { // the interrupter
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            while (producersDone.getCount() > 0) {
                List<Thread> targets = new ArrayList<>(consumerThreads);
                if (!targets.isEmpty()) {
                    targets.get(rnd.nextInt(targets.size())).interrupt();
                }
                Thread.yield();
            }
            bridge.asyncSide().shutdown(false);
        });
        runThreads(bodies);

        for (Integer left = side.poll(); left != null; left = side.poll()) {
            if (delivered.put(left, left) != null) {
                duplicates.incrementAndGet();
            }
        }
        assertThat(duplicates).hasValue(0);
        assertThat(delivered.keySet()).isEqualTo(accepted);
    }

    // ---- harness ----

    /** Keeps cancelling the latest pending waiter, at random moments, until {@code done}. */
    private static Runnable canceller(AtomicReference<AsyncFuture<?>> latest, CountDownLatch done) {
        return () -> {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            while (done.getCount() > 0) {
                AsyncFuture<?> f = latest.get();
                if (f != null && rnd.nextInt(4) == 0) {
                    giveUp(f);
                }
                Thread.onSpinWait();
            }
        };
    }

    private static void cancelAVictim(ConcurrentLinkedQueue<AsyncFuture<?>> pending, ThreadLocalRandom rnd) {
        if (rnd.nextInt(4) == 0) {
            AsyncFuture<?> victim = pending.poll();
            if (victim != null) {
                giveUp(victim);
            }
        }
    }

    /** What a waiter completed from outside fails with, as opposed to a failure of the primitive. */
    private static final class GivenUp extends RuntimeException {
        GivenUp() {
            super("given up", null, false, false);
        }
    }

    /**
     * Gives a waiter up in one of the ways a future can be given up — {@code cancel}, {@code completeExceptionally},
     * {@code orTimeout} (later, from the JDK's delay thread) — on its own future or on a stage derived from it.
     * Never a normal completion from outside: the waiter's thread must be able to tell a wake-up from a give-up.
     */
    private static void giveUp(AsyncFuture<?> f) {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        AsyncFuture<?> target = rnd.nextBoolean() ? f : f.thenApply(x -> x);
        switch (rnd.nextInt(3)) {
            case 0:
                target.cancel(false);
                break;
            case 1:
                target.completeExceptionally(new GivenUp());
                break;
            default:
                target.orTimeout(rnd.nextInt(50), TimeUnit.MICROSECONDS);
        }
    }

    /** Whether {@code f} failed because it was given up, rather than completed by the primitive. */
    private static boolean givenUp(Throwable failure) {
        return failure instanceof CancellationException || failure instanceof GivenUp
                || failure instanceof TimeoutException;
    }

    /** Waits for {@code f}: true if it completed normally, false if it was given up. */
    private static boolean await(AsyncFuture<?> f) {
        try {
            f.get(GUARD_SECONDS, TimeUnit.SECONDS);
            return true;
        } catch (CancellationException e) {
            return false;
        } catch (ExecutionException e) {
            if (givenUp(e.getCause())) {
                return false;
            }
            throw new AssertionError(e);
        } catch (TimeoutException e) {
            throw new AssertionError("stuck for " + GUARD_SECONDS + " s: a wake-up was lost", e);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static void runThreads(List<Runnable> bodies) throws Exception {
        Outcomes.runTogether(bodies, GUARD_SECONDS);
    }
}
