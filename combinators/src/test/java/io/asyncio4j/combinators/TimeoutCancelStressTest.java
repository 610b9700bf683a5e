package io.asyncio4j.combinators;

import io.asyncio4j.AsyncFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Randomized multi-threaded races of timeouts, cancellations, completions and releases, complementing
 * {@link PrimitivesStressTest} (which cancels but never times out) and {@link RacesTest} (two-party races):
 * several threads acquire, release, put, get, set and wait on one primitive, each wait bounded by
 * {@link Async#waitFor} or {@link Async#timeout} with a deadline of a few microseconds (often zero) so that timers
 * fire in the middle of hand-overs, while another thread cancels waiters at random. Each iteration draws its
 * choices from a {@link Random} seeded per iteration and per thread; a failure names the seed, and
 * {@code -Dasyncio4j.stress.seed=S} reruns that iteration's choices (the interleaving itself cannot be replayed).
 *
 * <p>At the end of every iteration: permits are back to the initial count; every item accepted was got exactly
 * once or is still queued, and nothing withdrawn was got; no waiter is left queued; every waiter's future is done
 * and every bounded wait completed exactly once, with a value if and only if its waiter got the resource; no timer
 * task is left.
 */
class TimeoutCancelStressTest {

    private static final int THREADS = 4;
    private static final long GUARD_SECONDS = 30;
    /** Multiplies the iterations; raise it to hammer locally, e.g. {@code -Dasyncio4j.stress.scale=20}. */
    private static final int SCALE = Integer.getInteger("asyncio4j.stress.scale", 1);
    private static final Long ONLY_SEED = Long.getLong("asyncio4j.stress.seed");

    private static ExecutorService callbacks;
    private static AsyncTimer timer;

    @BeforeAll
    static void startTimer() {
        callbacks = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "stress-timer-callback");
            t.setDaemon(true);
            return t;
        });
        timer = AsyncTimer.create("stress-timer", callbacks);
    }

    @AfterAll
    static void stopTimer() throws InterruptedException {
        timer.close();
        callbacks.shutdown();
        assertThat(callbacks.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    // ---- harness ----

    private enum Outcome { VALUE, TIMEOUT, CANCELLED }

    /** One bounded wait: the waiter (the primitive's future), the bounded result, and its completions. */
    private record Wait(AsyncFuture<?> waiter, AsyncFuture<?> result, AtomicInteger completions) {
    }

    /** The bounded waits of one iteration and their completions. */
    private static final class Tracker {
        final ConcurrentLinkedQueue<Wait> waits = new ConcurrentLinkedQueue<>();
        final AtomicReference<AsyncFuture<?>> latest = new AtomicReference<>();

        /** Waits for {@code waiter} under a random deadline (sometimes zero) and reports how it ended. */
        <T> Outcome bounded(AsyncFuture<T> waiter, Random rnd, AtomicReference<T> value) {
            latest.set(waiter);
            Duration d = rnd.nextInt(8) == 0 ? Duration.ZERO : Duration.ofNanos(rnd.nextInt(300_000));
            AsyncFuture<T> result = rnd.nextBoolean() ? Async.waitFor(waiter, d, timer)
                    : Async.timeout(d, scope -> waiter, timer);
            AtomicInteger completed = new AtomicInteger();
            result.whenComplete((v, e) -> completed.incrementAndGet());
            waits.add(new Wait(waiter, result, completed));
            if (rnd.nextInt(16) == 0) {
                waiter.cancel(false); // withdraw our own, perhaps as it is handed the resource
            }
            try {
                T v = result.get(GUARD_SECONDS, TimeUnit.SECONDS);
                if (value != null) {
                    value.set(v);
                }
                return Outcome.VALUE;
            } catch (CancellationException e) {
                return Outcome.CANCELLED;
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(TimeoutException.class);
                return Outcome.TIMEOUT;
            } catch (TimeoutException e) {
                throw new AssertionError("a bounded wait never completed: a timer task or a wake-up was lost", e);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }

        /** Every waiter done; every bounded wait completed once, with a value exactly when its waiter had one. */
        void check() {
            int i = 0;
            for (Wait w : waits) {
                assertThat(w.waiter().isDone()).as("a waiter left pending: %s", w.waiter()).isTrue();
                boolean got = !w.waiter().isCompletedExceptionally();
                boolean reported = !w.result().isCompletedExceptionally();
                assertThat(reported).as("wait %d: its waiter %s but the bounded wait %s", i,
                        got ? "got the resource" : "did not", reported ? "has a value" : "failed").isEqualTo(got);
                assertThat(w.completions()).as("completions of bounded wait %d", i).hasValue(1);
                i++;
            }
        }
    }

    /** A canceller: cancels the latest waiter at random moments until {@code done}. */
    private static Runnable canceller(Tracker tracker, CountDownLatch done, long seed) {
        return () -> {
            Random rnd = new Random(seed);
            while (done.getCount() > 0) {
                AsyncFuture<?> f = tracker.latest.get();
                if (f != null && rnd.nextInt(8) == 0) {
                    f.cancel(false);
                }
                Thread.onSpinWait();
            }
        };
    }

    /** Runs {@code iterations} iterations (or only {@code -Dasyncio4j.stress.seed}), naming the seed that fails. */
    private static void iterate(String name, int iterations, SeededBody body) {
        long base = ONLY_SEED != null ? ONLY_SEED : System.nanoTime();
        int n = ONLY_SEED != null ? 1 : iterations * SCALE;
        for (int i = 0; i < n; i++) {
            long seed = base + i;
            try {
                body.run(seed);
                awaitNoTimerTask();
            } catch (Throwable e) {
                throw new AssertionError(name + " failed in iteration " + i + " with seed " + seed
                        + " (rerun its choices with -Dasyncio4j.stress.seed=" + seed + ")", e);
            }
        }
    }

    private interface SeededBody {
        void run(long seed) throws Exception;
    }

    /** A timer task cancelled on completion is removed at once; one that fired leaves as it runs. */
    private static void awaitNoTimerTask() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        Object monitor = new Object();
        while (timer.pendingTasks() != 0) {
            assertThat(System.nanoTime() - deadline).as("timer tasks left: %d", timer.pendingTasks()).isNegative();
            synchronized (monitor) {
                monitor.wait(1);
            }
        }
    }

    private static void runThreads(List<Runnable> bodies) throws Exception {
        Outcomes.runTogether(bodies, GUARD_SECONDS);
    }

    // ---- permits ----

    private record Permits(Supplier<AsyncFuture<Void>> acquire, Runnable release, Supplier<Integer> available,
                           Supplier<Integer> queueLength) {
    }

    @Test
    void lockPermitSurvivesTimeoutsAndCancels() {
        iterate("AsyncLock", 25, seed -> {
            AsyncLock lock = new AsyncLock();
            runPermits(seed, 1, new Permits(lock::acquire, lock::release, () -> lock.isLocked() ? 0 : 1,
                    lock::queueLength));
        });
    }

    @Test
    void semaphorePermitsSurviveTimeoutsAndCancels() {
        iterate("AsyncSemaphore", 25, seed -> {
            AsyncSemaphore sem = new AsyncSemaphore(3);
            runPermits(seed, 3, new Permits(sem::acquire, sem::release, sem::availablePermits, sem::queueLength));
        });
    }

    @Test
    void boundedSemaphorePermitsSurviveTimeoutsAndCancels() {
        iterate("BoundedSemaphore", 25, seed -> {
            BoundedSemaphore sem = new BoundedSemaphore(2);
            runPermits(seed, 2, new Permits(sem::acquire, sem::release, sem::availablePermits, sem::queueLength));
        });
    }

    private static void runPermits(long seed, int permits, Permits pool) throws Exception {
        int ops = 250;
        Tracker tracker = new Tracker();
        AtomicInteger holders = new AtomicInteger();
        AtomicInteger maxHolders = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(THREADS);
        List<Runnable> bodies = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            long threadSeed = seed * 31 + t;
            bodies.add(() -> {
                Random rnd = new Random(threadSeed);
                try {
                    for (int i = 0; i < ops; i++) {
                        if (tracker.bounded(pool.acquire().get(), rnd, null) != Outcome.VALUE) {
                            continue;
                        }
                        maxHolders.accumulateAndGet(holders.incrementAndGet(), Math::max);
                        for (int spin = rnd.nextInt(50); spin > 0; spin--) {
                            Thread.onSpinWait();
                        }
                        holders.decrementAndGet();
                        pool.release().run();
                    }
                } finally {
                    done.countDown();
                }
            });
        }
        bodies.add(canceller(tracker, done, seed * 31 + THREADS));
        runThreads(bodies);
        tracker.check();
        assertThat(maxHolders.get()).isLessThanOrEqualTo(permits);
        assertThat(pool.available().get()).as("permits").isEqualTo(permits);
        assertThat(pool.queueLength().get()).as("queued acquirers").isZero();
    }

    // ---- queues ----

    @Test
    void fifoQueueLosesNoItemToTimeoutsAndCancels() {
        iterate("fifo AsyncQueue", 20, seed -> runQueue(seed, AsyncQueue.fifo(2)));
    }

    @Test
    void lifoQueueLosesNoItemToTimeoutsAndCancels() {
        iterate("lifo AsyncQueue", 15, seed -> runQueue(seed, AsyncQueue.lifo(2)));
    }

    @Test
    void priorityQueueLosesNoItemToTimeoutsAndCancels() {
        iterate("priority AsyncQueue", 15, seed -> runQueue(seed, AsyncQueue.priority(3)));
    }

    private static void runQueue(long seed, AsyncQueue<Integer> q) throws Exception {
        int producers = 2;
        int consumers = 2;
        int perProducer = 300;
        Tracker tracker = new Tracker();
        Set<Integer> accepted = ConcurrentHashMap.newKeySet();
        Set<Integer> withdrawn = ConcurrentHashMap.newKeySet();
        Map<Integer, Integer> delivered = new ConcurrentHashMap<>();
        AtomicInteger duplicates = new AtomicInteger();
        CountDownLatch producersDone = new CountDownLatch(producers);
        List<Runnable> bodies = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int base = p * perProducer;
            long threadSeed = seed * 31 + p;
            bodies.add(() -> {
                Random rnd = new Random(threadSeed);
                try {
                    for (int i = 0; i < perProducer; i++) {
                        int item = base + i;
                        boolean in = rnd.nextInt(8) == 0 ? q.offer(item)
                                : tracker.bounded(q.put(item), rnd, null) == Outcome.VALUE;
                        (in ? accepted : withdrawn).add(item);
                    }
                } finally {
                    producersDone.countDown();
                }
            });
        }
        for (int c = 0; c < consumers; c++) {
            long threadSeed = seed * 31 + producers + c;
            bodies.add(() -> {
                Random rnd = new Random(threadSeed);
                AtomicReference<Integer> got = new AtomicReference<>();
                while (producersDone.getCount() > 0) {
                    Integer item = rnd.nextInt(8) == 0 ? q.poll()
                            : tracker.bounded(q.get(), rnd, got) == Outcome.VALUE ? got.get() : null;
                    if (item != null) {
                        if (delivered.put(item, item) != null) {
                            duplicates.incrementAndGet();
                        }
                        q.taskDone();
                    }
                }
            });
        }
        bodies.add(canceller(tracker, producersDone, seed * 31 + producers + consumers));
        runThreads(bodies);

        for (Integer left = q.poll(); left != null; left = q.poll()) {
            if (delivered.put(left, left) != null) {
                duplicates.incrementAndGet();
            }
            q.taskDone();
        }
        tracker.check();
        assertThat(duplicates).as("items got twice").hasValue(0);
        assertThat(delivered.keySet()).as("items got or left == items accepted").isEqualTo(accepted);
        assertThat(accepted.size() + withdrawn.size()).isEqualTo(producers * perProducer);
        assertThat(q.waitingGetters()).as("queued getters").isZero();
        assertThat(q.waitingPutters()).as("queued putters").isZero();
        assertThat(q.unfinishedTasks()).isZero();
    }

    // ---- event and condition ----

    @Test
    void eventWaitersTimedOutAreForgottenAndNoWakeUpIsLost() {
        iterate("AsyncEvent", 30, seed -> {
            AsyncEvent event = new AsyncEvent();
            Tracker tracker = new Tracker();
            CountDownLatch done = new CountDownLatch(THREADS - 1);
            List<Runnable> bodies = new ArrayList<>();
            for (int t = 0; t < THREADS - 1; t++) {
                long threadSeed = seed * 31 + t;
                bodies.add(() -> {
                    Random rnd = new Random(threadSeed);
                    try {
                        for (int i = 0; i < 300; i++) {
                            tracker.bounded(event.whenSet(), rnd, null);
                        }
                    } finally {
                        done.countDown();
                    }
                });
            }
            bodies.add(() -> { // toggles until the waiters are done, and leaves the flag down
                Random rnd = new Random(seed * 31 + THREADS);
                while (done.getCount() > 0) {
                    if (rnd.nextBoolean()) {
                        event.set();
                    } else {
                        event.clear();
                    }
                    Thread.onSpinWait();
                }
                event.clear();
            });
            bodies.add(canceller(tracker, done, seed * 31 + THREADS + 1));
            runThreads(bodies);
            tracker.check();
            assertThat(event.queueLength()).as("waiters left queued with the flag down").isZero();
            AsyncFuture<Void> last = event.whenSet();
            event.set();
            assertThat(last).isCompleted();
        });
    }

    @Test
    void conditionLosesNoSignalToTimeouts() {
        iterate("AsyncCondition", 20, seed -> {
            AsyncCondition cond = new AsyncCondition();
            Tracker tracker = new Tracker();
            int producers = 2;
            int perProducer = 200;
            int total = producers * perProducer;
            int[] units = {0}; // guarded by the condition's lock
            AtomicInteger produced = new AtomicInteger();
            AtomicInteger consumed = new AtomicInteger();
            AtomicInteger holders = new AtomicInteger();
            AtomicInteger maxHolders = new AtomicInteger();
            CountDownLatch producersDone = new CountDownLatch(producers);
            List<Runnable> bodies = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                long threadSeed = seed * 31 + p;
                bodies.add(() -> {
                    Random rnd = new Random(threadSeed);
                    try {
                        for (int i = 0; i < perProducer; ) {
                            if (tracker.bounded(cond.acquire(), rnd, null) != Outcome.VALUE) {
                                continue;
                            }
                            maxHolders.accumulateAndGet(holders.incrementAndGet(), Math::max);
                            units[0]++;
                            produced.incrementAndGet();
                            i++;
                            if (rnd.nextInt(4) == 0) {
                                cond.signalAll();
                            } else {
                                cond.signal();
                            }
                            holders.decrementAndGet();
                            cond.release();
                        }
                    } finally {
                        producersDone.countDown();
                    }
                });
            }
            for (int c = 0; c < 2; c++) {
                long threadSeed = seed * 31 + producers + c;
                bodies.add(() -> {
                    Random rnd = new Random(threadSeed);
                    while (consumed.get() < total) {
                        if (tracker.bounded(cond.acquire(), rnd, null) != Outcome.VALUE) {
                            continue;
                        }
                        // A timed-out or cancelled wait leaves us without the lock; a wait that got its value holds it.
                        if (tracker.bounded(cond.waitFor(() -> units[0] > 0 || consumed.get() >= total), rnd, null)
                                != Outcome.VALUE) {
                            continue;
                        }
                        maxHolders.accumulateAndGet(holders.incrementAndGet(), Math::max);
                        if (units[0] > 0) {
                            units[0]--;
                            consumed.incrementAndGet();
                        }
                        holders.decrementAndGet();
                        cond.release();
                    }
                });
            }
            bodies.add(canceller(tracker, producersDone, seed * 31 + producers + 2));
            runThreads(bodies);
            tracker.check();
            assertThat(consumed).hasValue(total);
            assertThat(units[0]).isZero();
            assertThat(produced).hasValue(total);
            assertThat(maxHolders).hasValue(1);
            assertThat(cond.isLocked()).isFalse();
            assertThat(cond.queueLength()).isZero();
        });
    }

    // ---- gather, shield, task group ----

    @Test
    void gatherShieldAndTaskGroupCompleteOnceWhateverRacesThem() {
        iterate("gather/shield/TaskGroup", 400, TimeoutCancelStressTest::raceCombinators);
    }

    private static void raceCombinators(long seed) throws Exception {
        int k = 4;
        List<AsyncFuture<Integer>> gathered = futures(k);
        List<AsyncFuture<Integer>> spawned = futures(k);
        AsyncFuture<Integer> shieldedStage = new AsyncFuture<>();
        AsyncFuture<String> body = new AsyncFuture<>();
        AtomicInteger gatherCompletions = new AtomicInteger();
        AtomicInteger shieldCompletions = new AtomicInteger();
        AtomicInteger groupCompletions = new AtomicInteger();
        ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        AtomicInteger shieldedStageCancels = new AtomicInteger();

        // A cancelled gather, and a task group however it ends, complete only once every child has completed; a
        // gather fails fast, with a cancellation too, when a child is cancelled by its owner.
        AtomicBoolean childCancelledByOwner = new AtomicBoolean();
        AsyncFuture<List<Integer>> gather = Async.gather(gathered);
        gather.whenComplete((v, e) -> {
            gatherCompletions.incrementAndGet();
            if (gather.isCancelled() && !childCancelledByOwner.get()) {
                for (AsyncFuture<Integer> child : gathered) {
                    if (!child.isDone()) {
                        violations.add("the gather was cancelled before its child " + child + " completed");
                    }
                }
            }
        });
        AsyncFuture<Integer> shield = Async.shield(shieldedStage);
        shield.whenComplete((v, e) -> shieldCompletions.incrementAndGet());
        AsyncFuture<String> group = Async.taskGroup(g -> {
            for (AsyncFuture<Integer> child : spawned) {
                g.spawn(() -> child);
            }
            return body;
        });
        group.whenComplete((v, e) -> {
            groupCompletions.incrementAndGet();
            for (AsyncFuture<Integer> child : spawned) {
                if (!child.isDone()) {
                    violations.add("the task group completed before its child " + child);
                }
            }
            if (!body.isDone()) {
                violations.add("the task group completed before its body");
            }
        });

        List<Runnable> bodies = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            long threadSeed = seed * 31 + t;
            bodies.add(() -> {
                Random rnd = new Random(threadSeed);
                for (int i = 0; i < 6; i++) {
                    int which = rnd.nextInt(k);
                    switch (rnd.nextInt(11)) {
                        case 0, 1 -> gathered.get(which).settle(which * 10);
                        case 2 -> gathered.get(which).settleExceptionally(new IllegalStateException("g" + which));
                        case 3 -> {
                            childCancelledByOwner.set(true);
                            gathered.get(which).cancel(false);
                        }
                        case 4, 5 -> spawned.get(which).settle(which * 10);
                        case 6 -> spawned.get(which).settleExceptionally(new IllegalStateException("s" + which));
                        case 7 -> spawned.get(which).cancel(false);
                        case 8 -> gather.cancel(false);
                        case 9 -> {
                            shield.cancel(false);
                            if (rnd.nextBoolean()) {
                                shieldedStage.settle(7);
                            }
                        }
                        default -> {
                            if (rnd.nextBoolean()) {
                                group.cancel(false);
                            } else {
                                body.settle("body");
                            }
                        }
                    }
                    if (rnd.nextInt(20) == 0) {
                        shieldedStageCancels.incrementAndGet();
                        shieldedStage.cancel(false); // its owner may cancel it; only that reaches it
                    }
                }
            });
        }
        runThreads(bodies);
        // Whatever is left ends normally now.
        for (int i = 0; i < k; i++) {
            gathered.get(i).settle(i * 10);
            spawned.get(i).settle(i * 10);
        }
        shieldedStage.settle(7);
        body.settle("body");

        assertThat(violations).isEmpty();
        for (AsyncFuture<?> f : List.of(gather, shield, group)) {
            assertThat(f.isDone()).as("%s done", f).isTrue();
        }
        assertThat(gatherCompletions).hasValue(1);
        assertThat(shieldCompletions).hasValue(1);
        assertThat(groupCompletions).hasValue(1);
        if (!gather.isCompletedExceptionally()) {
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                expected.add(i * 10);
            }
            assertThat(gather.join()).isEqualTo(expected);
        }
        if (shieldedStage.isCancelled()) {
            assertThat(shieldedStageCancels.get()).as("the shielded stage was cancelled through its shield")
                    .isPositive();
        } else {
            assertThat(shieldedStage.join()).isEqualTo(7);
        }
        if (!shield.isCancelled()) {
            assertThat(shield.isCompletedExceptionally()).isEqualTo(shieldedStage.isCompletedExceptionally());
        }
        if (!group.isCompletedExceptionally()) {
            assertThat(group.join()).isEqualTo("body");
            for (AsyncFuture<Integer> child : spawned) {
                assertThat(child.isCompletedExceptionally() && !child.isCancelled())
                        .as("a child failed but the group succeeded").isFalse();
            }
        }
    }

    private static List<AsyncFuture<Integer>> futures(int n) {
        IntFunction<AsyncFuture<Integer>> make = i -> new AsyncFuture<>();
        List<AsyncFuture<Integer>> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(make.apply(i));
        }
        return list;
    }
}
