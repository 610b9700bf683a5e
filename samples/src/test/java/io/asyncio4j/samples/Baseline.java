package io.asyncio4j.samples;

import io.asyncio4j.combinators.AsyncTimer;
import io.asyncio4j.nio.EventLoop;

import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * What the process holds before a fault scenario (open file descriptors, live threads, pending tasks of some
 * timers), and a bounded wait for it to come back to that after the scenario. Polls: the releases it waits for
 * happen on other threads, with no event to wait on.
 */
public final class Baseline {

    private final int fds;
    private final int threads;
    private final List<String> threadNames;
    private final AsyncTimer[] timers;
    private final int[] timerTasks;

    private Baseline(AsyncTimer[] timers) {
        this.timers = timers.clone();
        this.timerTasks = new int[timers.length];
        for (int i = 0; i < timers.length; i++) {
            timerTasks[i] = timers[i].pendingTasks();
        }
        this.fds = openFileDescriptors();
        this.threadNames = liveThreadNames();
        this.threads = threadNames.size();
    }

    /**
     * Starts the lazily created threads of {@code loop} (its worker pool of {@code ioThreads} threads and its
     * timer thread), so that a baseline taken afterwards does not count their creation as a leak.
     *
     * @param loop      the loop under test
     * @param ioThreads the loop's thread count, as given to its builder
     * @throws InterruptedException if interrupted while waiting for the workers
     */
    public static void warmUp(EventLoop loop, int ioThreads) throws InterruptedException {
        CountDownLatch all = new CountDownLatch(ioThreads);
        for (int i = 0; i < ioThreads; i++) {
            loop.timer().execute(() -> {
                all.countDown();
                try {
                    all.await(10, TimeUnit.SECONDS);   // hold this worker so the next task starts another one
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        if (!all.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("the loop's workers did not start");
        }
        CountDownLatch timed = new CountDownLatch(1);
        loop.timer().schedule(Duration.ZERO, timed::countDown);
        if (!timed.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("the loop's timer did not run a task");
        }
    }

    /**
     * Takes a snapshot of the open file descriptors, the live threads and the pending tasks of {@code timers}.
     *
     * @param timers the timers whose pending tasks are counted
     * @return the snapshot
     */
    public static Baseline take(AsyncTimer... timers) {
        return new Baseline(timers);
    }

    /**
     * Waits until descriptors, threads and every timer's pending tasks are back to at most their baseline counts.
     *
     * @param within how long to wait
     * @throws AssertionError naming what is still above the baseline when {@code within} passes
     */
    public void awaitReturn(Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            String excess = excess();
            if (excess == null) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not back to the baseline within " + within + ": " + excess);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    /** What is above the baseline now, or {@code null}. */
    private String excess() {
        StringBuilder s = new StringBuilder();
        int nowFds = openFileDescriptors();
        if (nowFds > fds) {
            s.append("file descriptors ").append(fds).append(" -> ").append(nowFds).append("; ");
        }
        List<String> names = liveThreadNames();
        if (names.size() > threads) {
            s.append("threads ").append(threads).append(" -> ").append(names.size()).append(" (new: ")
                    .append(newThreads(names)).append("); ");
        }
        for (int i = 0; i < timers.length; i++) {
            int tasks = timers[i].pendingTasks();
            if (tasks > timerTasks[i]) {
                s.append("timer ").append(i).append(" tasks ").append(timerTasks[i]).append(" -> ").append(tasks)
                        .append("; ");
            }
        }
        return s.length() == 0 ? null : s.toString();
    }

    /** Thread names now live beyond the baseline's, grouped by name without trailing digits, with counts. */
    private Map<String, Integer> newThreads(List<String> names) {
        Map<String, Integer> counts = new TreeMap<>();
        for (String n : names) {
            counts.merge(n.replaceAll("\\d+$", "#"), 1, Integer::sum);
        }
        for (String n : threadNames) {
            counts.computeIfPresent(n.replaceAll("\\d+$", "#"), (k, v) -> v == 1 ? null : v - 1);
        }
        return counts;
    }

    /**
     * Returns how many file descriptors the process has open, from {@code /proc/self/fd}.
     *
     * @return the count
     * @throws IllegalStateException where {@code /proc/self/fd} cannot be read
     */
    public static int openFileDescriptors() {
        String[] fds = new File("/proc/self/fd").list();
        if (fds == null) {
            throw new IllegalStateException("/proc/self/fd is not readable on this platform");
        }
        return fds.length;
    }

    private static List<String> liveThreadNames() {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive()) {
                names.add(t.getName());
            }
        }
        return names;
    }

    @Override
    public String toString() {
        return "Baseline[fds=" + fds + ", threads=" + threads + "]";
    }
}
