package io.asyncio4j.samples;

import com.sun.management.UnixOperatingSystemMXBean;
import io.asyncio4j.combinators.AsyncTimer;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.time.Duration;
import java.util.function.IntSupplier;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The resources a load scenario must give back: open file descriptors (from {@code /proc/self/fd}), live
 * threads (from {@link Thread#getAllStackTraces()}) and pending timer tasks. Take one before the
 * load, then {@link #awaitRestored(Duration)} after it; every count must come back to its starting value within
 * the deadline (closing is asynchronous, so the check waits rather than sampling once).
 *
 * <p>Threads are counted without the JDK's {@code process reaper} threads: a scenario that starts a child
 * process (as {@link ManyConnectionsLoadTest} does) gets one, and it stays idle in the JDK's pool for up to a
 * minute after the child exits; it is neither the library's nor the test's.
 */
public final class LoadBaseline {

    /** The name of the JDK's threads that wait for child processes to exit (see {@link ProcessHandle}). */
    private static final String PROCESS_REAPER = "process reaper";

    private final int fds;
    private final int threads;
    private final java.util.Set<String> threadNames;
    private final AsyncTimer[] timers;
    private final int[] timerTasks;

    private LoadBaseline(boolean countThreads, AsyncTimer... timers) {
        this.fds = openFileDescriptors();
        this.threads = countThreads ? countedThreads() : Integer.MAX_VALUE;
        this.threadNames = threadNames();
        this.timers = timers.clone();
        this.timerTasks = new int[timers.length];
        for (int i = 0; i < timers.length; i++) {
            timerTasks[i] = timers[i].pendingTasks();
        }
    }

    /**
     * Records the current counts.
     *
     * @param timers timers whose pending tasks must come back to their present number
     * @return the baseline
     */
    public static LoadBaseline take(AsyncTimer... timers) {
        return new LoadBaseline(true, timers);
    }

    /**
     * Records the current counts but threads: for a baseline taken inside an event loop, whose threads start on
     * first use and end when it is closed (count those with a {@link #take} before the loop is built).
     *
     * @param timers timers whose pending tasks must come back to their present number
     * @return the baseline
     */
    public static LoadBaseline takeIgnoringThreads(AsyncTimer... timers) {
        return new LoadBaseline(false, timers);
    }

    /** @return the open file descriptors when the baseline was taken */
    public int fileDescriptors() {
        return fds;
    }

    /**
     * Waits until descriptors, threads and timer tasks are back to (at most) their starting counts, failing with
     * every count that is not once the deadline passes. Waiting polls with short timed waits on a private
     * monitor; nothing is synchronized by sleeping.
     *
     * @param within how long closing may take
     */
    public void awaitRestored(Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        Object monitor = new Object();
        String missing;
        while ((missing = differences()) != null) {
            if (System.nanoTime() - deadline > 0) {
                fail("resources not given back within " + within + ": " + missing);
            }
            synchronized (monitor) {
                try {
                    monitor.wait(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    fail("interrupted while waiting for resources to be given back");
                }
            }
        }
    }

    private String differences() {
        StringBuilder sb = new StringBuilder();
        int nowFds = openFileDescriptors();
        if (nowFds > fds) {
            sb.append("file descriptors ").append(fds).append(" -> ").append(nowFds).append("; ");
        }
        int nowThreads = countedThreads();
        if (nowThreads > threads) {
            sb.append("threads ").append(threads).append(" -> ").append(nowThreads).append(" ")
                    .append(newThreadNames()).append("; ");
        }
        for (int i = 0; i < timers.length; i++) {
            int tasks = timers[i].pendingTasks();
            if (tasks > timerTasks[i]) {
                sb.append("timer ").append(timers[i]).append(" tasks ").append(timerTasks[i]).append(" -> ")
                        .append(tasks).append("; ");
            }
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    /**
     * Waits, as {@link #awaitRestored(Duration)} does, until {@code count} reaches {@code expected}.
     *
     * @param what     what is counted, for the failure message
     * @param count    the count
     * @param expected the value awaited
     * @param within   the deadline
     */
    public static void awaitCount(String what, IntSupplier count, int expected, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        Object monitor = new Object();
        int now;
        while ((now = count.getAsInt()) != expected) {
            if (System.nanoTime() - deadline > 0) {
                fail(what + " is " + now + ", not " + expected + ", after " + within);
            }
            synchronized (monitor) {
                try {
                    monitor.wait(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    fail("interrupted while waiting for " + what);
                }
            }
        }
    }

    private java.util.List<String> newThreadNames() {
        java.util.List<String> names = new java.util.ArrayList<>(threadNames());
        names.removeAll(threadNames);
        return names;
    }

    private static java.util.Set<String> threadNames() {
        java.util.Set<String> names = new java.util.HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            names.add(t.getName());
        }
        return names;
    }

    /** @return the descriptors this process holds now */
    public static int openFileDescriptors() {
        String[] list = new File("/proc/self/fd").list();
        if (list == null) {
            throw new IllegalStateException("/proc/self/fd is not readable on this platform");
        }
        return list.length;
    }

    /** @return the live threads of this JVM now, but the JDK's process reapers */
    private static int countedThreads() {
        int count = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (!PROCESS_REAPER.equals(t.getName())) {
                count++;
            }
        }
        return count;
    }

    /** @return the live threads of this JVM now */
    public static int liveThreads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    /** @return the soft limit on open file descriptors of this process, or -1 where it cannot be read */
    public static long softFileDescriptorLimit() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof UnixOperatingSystemMXBean ? ((UnixOperatingSystemMXBean) os).getMaxFileDescriptorCount()
                : -1;
    }

    /**
     * Returns how many local ports the kernel hands out to connecting sockets
     * ({@code /proc/sys/net/ipv4/ip_local_port_range}): the most connections open at once from one address to
     * one server port.
     *
     * @return the size of the ephemeral port range, or -1 where it cannot be read
     */
    public static int ephemeralPorts() {
        try {
            // Not Files.readString: on JDK 17 it gives only the first byte of a /proc file (whose size reads as 0),
            // which made this -1 and the assumption always hold.
            String[] range = java.nio.file.Files.readAllLines(java.nio.file.Path.of(
                    "/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim().split("\\s+");
            return Integer.parseInt(range[1]) - Integer.parseInt(range[0]) + 1;
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Skips the calling test (a JUnit assumption) unless {@code needed} client ports can be open at once to one
     * server port.
     *
     * @param needed how many connections the test holds open at once
     */
    public static void assumeEphemeralPorts(int needed) {
        int ports = ephemeralPorts();
        assumeTrue(ports < 0 || ports >= needed, () -> "skipped: needs " + needed + " ephemeral ports at once but"
                + " net.ipv4.ip_local_port_range holds " + ports);
    }

    /**
     * Skips the calling test (a JUnit assumption) unless the process may open {@code needed} more descriptors
     * than it holds now.
     *
     * @param needed how many more descriptors the test opens at once
     */
    public static void assumeFileDescriptors(long needed) {
        long limit = softFileDescriptorLimit();
        long open = openFileDescriptors();
        assumeTrue(limit >= open + needed, () -> "skipped: needs " + needed + " more file descriptors but the soft"
                + " limit is " + limit + " with " + open + " open; raise it (ulimit -n 65536, as .ci/run does)");
    }
}
