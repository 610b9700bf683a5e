package io.asyncio4j.combinators;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The timer's own queue: tasks run in deadline order (submission order for equal deadlines), exactly once unless
 * cancelled first, from any number of scheduling and cancelling threads, and nothing is left behind.
 */
class TimerQueueTest {

    @Test
    void tasksRunInDeadlineOrderThenSubmissionOrder() throws InterruptedException {
        List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
        AsyncTimer timer = AsyncTimer.create("order-timer", Runnable::run); // tasks run on the timer thread
        try {
            CountDownLatch hold = new CountDownLatch(1);
            CountDownLatch holding = new CountDownLatch(1);
            timer.schedule(Duration.ZERO, () -> {
                holding.countDown();
                awaitQuietly(hold);
            });
            holding.await();
            // While the thread is held, queue 500 tasks whose deadlines are already past, in shuffled order.
            long base = timer.nanoTime() - TimeUnit.SECONDS.toNanos(1);
            List<Integer> ids = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                ids.add(i);
            }
            Collections.shuffle(ids, new Random(42));
            for (int id : ids) {
                timer.scheduleAt(base + (id / 5) * 1000L, () -> ran.add(id)); // five tasks share each deadline
            }
            hold.countDown();
            CompletableFuture<Void> last = new CompletableFuture<>();
            timer.schedule(Duration.ZERO, () -> last.complete(null));
            last.join();
            List<Integer> expected = new ArrayList<>();
            for (int d = 0; d < 100; d++) {
                List<Integer> sameDeadline = new ArrayList<>();
                for (int id : ids) {
                    if (id / 5 == d) {
                        sameDeadline.add(id); // in the order they were scheduled
                    }
                }
                expected.addAll(sameDeadline);
            }
            assertThat(ran).containsExactlyElementsOf(expected);
            assertThat(timer.pendingTasks()).isZero();
        } finally {
            timer.close();
        }
    }

    @Test
    void concurrentSchedulesAndCancelsRunEachSurvivorOnceAndLeaveNothing() throws Exception {
        concurrentSchedulesAndCancels(2_000_000);
    }

    @Test
    void concurrentSchedulesAndCancelsAcrossHeapAndWheelRunEachSurvivorOnce() throws Exception {
        concurrentSchedulesAndCancels((int) (TimerQueue.NEAR_NANOS * 3));
    }

    private static void concurrentSchedulesAndCancels(int maxDelayNanos) throws Exception {
        AsyncTimer timer = AsyncTimer.create("race-timer", Runnable::run);
        try {
            int threads = 4;
            int perThread = 5_000;
            AtomicIntegerArray runs = new AtomicIntegerArray(threads * perThread);
            boolean[] cancelled = new boolean[threads * perThread];
            CountDownLatch survivorsDone = new CountDownLatch(1);
            List<Thread> workers = new ArrayList<>();
            int[] survivors = new int[threads];
            for (int t = 0; t < threads; t++) {
                int first = t * perThread;
                int slot = t;
                workers.add(new Thread(() -> {
                    Random random = new Random(first);
                    for (int i = first; i < first + perThread; i++) {
                        int id = i;
                        TimerHandle h = timer.schedule(Duration.ofNanos(random.nextInt(maxDelayNanos)),
                                () -> runs.incrementAndGet(id));
                        if (random.nextBoolean() && h.cancel()) {
                            cancelled[id] = true;
                        } else {
                            survivors[slot]++;
                        }
                    }
                }));
            }
            workers.forEach(Thread::start);
            for (Thread w : workers) {
                w.join();
            }
            // A task due after every other one: once it ran, so did everything that was not cancelled.
            timer.schedule(Duration.ofNanos(maxDelayNanos + 5_000_000L), survivorsDone::countDown);
            assertThat(survivorsDone.await(30, TimeUnit.SECONDS)).isTrue();
            int ranCount = 0;
            for (int id = 0; id < cancelled.length; id++) {
                assertThat(runs.get(id)).as("task %d", id).isEqualTo(cancelled[id] ? 0 : 1);
                ranCount += runs.get(id);
            }
            int expectedSurvivors = 0;
            for (int s : survivors) {
                expectedSurvivors += s;
            }
            assertThat(ranCount).isEqualTo(expectedSurvivors);
            assertThat(timer.pendingTasks()).isZero();
        } finally {
            timer.close();
        }
    }

    @Test
    void anEarlierTaskScheduledWhileTheThreadWaitsForALaterOneIsNotDelayed() {
        AsyncTimer timer = AsyncTimer.create("wake-timer", Runnable::run);
        try {
            timer.schedule(Duration.ofHours(1), () -> { });
            CompletableFuture<Void> soon = new CompletableFuture<>();
            timer.schedule(Duration.ofMillis(1), () -> soon.complete(null));
            soon.orTimeout(30, TimeUnit.SECONDS).join();
            assertThat(timer.pendingTasks()).isEqualTo(1);
        } finally {
            timer.close();
        }
    }

    @Test
    void aClosedTimerDropsItsTasksAndRejectsNewOnes() {
        AsyncTimer timer = AsyncTimer.create("closed-timer", Runnable::run);
        timer.schedule(Duration.ofHours(1), () -> { });
        timer.close();
        assertThat(timer.pendingTasks()).isZero();
        assertThatThrownBy(() -> timer.schedule(Duration.ZERO, () -> { }))
                .isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void tasksDueBeyondTheNearWindowWaitInTheWheelAndRunInOrderNeverEarly() throws InterruptedException {
        AsyncTimer timer = AsyncTimer.create("wheel-timer", Runnable::run);
        try {
            int n = 12;
            long slot = 1L << TimerQueue.SLOT_SHIFT;
            long base = timer.nanoTime() + TimerQueue.NEAR_NANOS + slot;
            long[] deadlines = new long[n];
            long[] ranAt = new long[n];
            List<Integer> order = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch all = new CountDownLatch(n);
            List<Integer> ids = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ids.add(i);
            }
            Collections.shuffle(ids, new Random(7));
            for (int id : ids) {
                deadlines[id] = base + id * slot / 3; // a few per slot, over several slots
                timer.scheduleAt(deadlines[id], () -> {
                    ranAt[id] = System.nanoTime();
                    order.add(id);
                    all.countDown();
                });
            }
            assertThat(timer.pendingTasks()).isEqualTo(n);
            assertThat(all.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(order).containsExactlyElementsOf(sorted(ids));
            for (int id = 0; id < n; id++) {
                assertThat(ranAt[id]).as("task %d ran at its deadline or after", id).isGreaterThanOrEqualTo(deadlines[id]);
            }
            assertThat(timer.pendingTasks()).isZero();
        } finally {
            timer.close();
        }
    }

    @Test
    void cancellingTasksInTheWheelRemovesThemAndTheRestStillRun() throws InterruptedException {
        AsyncTimer timer = AsyncTimer.create("wheel-cancel-timer", Runnable::run);
        try {
            int n = 300;
            AtomicIntegerArray runs = new AtomicIntegerArray(n);
            List<TimerHandle> handles = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int id = i;
                // Spread over many slots, several tasks per slot, all in the wheel.
                Duration delay = Duration.ofNanos(TimerQueue.NEAR_NANOS + 50_000_000L + (i % 30) * 7_000_000L);
                handles.add(timer.schedule(delay, () -> runs.incrementAndGet(id)));
            }
            for (int i = 0; i < n; i += 2) {
                assertThat(handles.get(i).cancel()).isTrue(); // first, middle and last of their slot lists
            }
            assertThat(timer.pendingTasks()).isEqualTo(n / 2);
            CountDownLatch after = new CountDownLatch(1);
            timer.schedule(Duration.ofNanos(TimerQueue.NEAR_NANOS + 500_000_000L), after::countDown);
            assertThat(after.await(30, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < n; i++) {
                assertThat(runs.get(i)).as("task %d", i).isEqualTo(i % 2 == 0 ? 0 : 1);
            }
            assertThat(timer.pendingTasks()).isZero();
        } finally {
            timer.close();
        }
    }

    @Test
    void aWheelTaskScheduledWhileTheThreadSleepsForALaterOneIsNotDelayed() {
        AsyncTimer timer = AsyncTimer.create("wheel-wake-timer", Runnable::run);
        try {
            timer.schedule(Duration.ofHours(1), () -> { }); // beyond the wheel: in the heap, the thread sleeps
            long deadline = timer.nanoTime() + TimerQueue.NEAR_NANOS + 10_000_000L;
            CompletableFuture<Long> ran = new CompletableFuture<>();
            timer.scheduleAt(deadline, () -> ran.complete(System.nanoTime()));
            assertThat(ran.orTimeout(30, TimeUnit.SECONDS).join()).isGreaterThanOrEqualTo(deadline);
            assertThat(timer.pendingTasks()).isEqualTo(1);
        } finally {
            timer.close();
        }
    }

    @Test
    void closingDropsTheWheelAndLaterCancelsFindNothing() {
        AsyncTimer timer = AsyncTimer.create("wheel-close-timer", Runnable::run);
        TimerHandle h = timer.schedule(Duration.ofSeconds(5), () -> { });
        timer.schedule(Duration.ofSeconds(5), () -> { });
        assertThat(timer.pendingTasks()).isEqualTo(2);
        timer.close();
        h.cancel();
        assertThat(timer.pendingTasks()).isZero();
    }

    private static List<Integer> sorted(List<Integer> ids) {
        List<Integer> copy = new ArrayList<>(ids);
        Collections.sort(copy);
        return copy;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
