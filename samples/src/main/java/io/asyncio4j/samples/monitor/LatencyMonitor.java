package io.asyncio4j.samples.monitor;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.combinators.Async;
import io.asyncio4j.nio.EventLoop;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executor;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

/**
 * Runs the bottles job on a worker thread and, while it runs, measures how fast the status server answers:
 * every {@code interval} it connects, reads the status line and prints {@code latency <ms> ms (<n> bottles
 * left)}; when the job ends it prints {@code summary: <count> probes, mean <ms> ms, max <ms> ms}.
 *
 * <p>The job runs on its own thread through {@link Async#runInExecutor}, as asyncio hands CPU-bound work to an
 * executor ({@code loop.run_in_executor}), so the event loop answers a probe as soon as it arrives: the job needs
 * no code that yields to the loop, and cancelling its future interrupts it.
 */
public final class LatencyMonitor {

    private final AsyncFuture<Long> job;
    private final AsyncFuture<Summary> finished;
    private int count;
    private double totalMillis;
    private double maxMillis;

    private LatencyMonitor(EventLoop loop, String host, int port, Bottles bottles, Executor worker,
                           Duration interval, PrintStream out) {
        AsyncFuture<Long> started = new AsyncFuture<>();
        this.job = started;
        // The first probe runs before the job starts, so that there is always one; then one per interval.
        this.finished = probe(loop, host, port, out)
                .thenCompose(first -> {
                    startJob(bottles, worker, started);
                    return Async.whileTrue(() -> started.isDone()
                            ? AsyncFuture.completed(false)
                            : Async.sleep(interval).thenCompose(slept -> probe(loop, host, port, out)));
                })
                .thenApply(done -> summary(out));
    }

    /**
     * Starts the monitor: one probe at once, then the job on {@code worker} and a probe every {@code interval}
     * until it ends.
     *
     * @param loop     the event loop the probes connect from
     * @param host     the status server's host
     * @param port     the status server's port
     * @param bottles  the job
     * @param worker   where the job runs; it holds the thread until the job ends
     * @param interval the time between probes
     * @param out      where the latency and summary lines go
     * @return the running monitor
     */
    public static LatencyMonitor start(EventLoop loop, String host, int port, Bottles bottles, Executor worker,
                                       Duration interval, PrintStream out) {
        return new LatencyMonitor(loop, host, port, bottles, worker, interval, out);
    }

    /** @return the job's future: completes with the bottle count, or fails if it was interrupted; cancel it to stop */
    public AsyncFuture<Long> job() {
        return job;
    }

    /** @return completes with the summary once the job ended and the last probe returned */
    public AsyncFuture<Summary> finished() {
        return finished;
    }

    /** Runs the job on the worker; cancelling {@code job} (even before this) cancels it. */
    private static void startJob(Bottles bottles, Executor worker, AsyncFuture<Long> job) {
        AsyncFuture<Long> running = Async.runInExecutor(worker, bottles::drinkBottles);
        running.addDoneCallback((n, failure) -> {
            if (failure == null) {
                job.settle(n);
            } else {
                job.settleExceptionally(Async.unwrap(failure));
            }
        });
        job.onCancel(() -> running.cancel(true));
    }

    /** One probe: connect, read the status line, print the time it took. Never fails: a failed probe is printed. */
    private AsyncFuture<Boolean> probe(EventLoop loop, String host, int port, PrintStream out) {
        long start = System.nanoTime();
        return loop.connect(host, port)
                .thenCompose(conn -> conn.readLine(64, ISO_8859_1).whenComplete((line, e) -> conn.close()))
                .handle((line, failure) -> {
                    double millis = (System.nanoTime() - start) / 1e6;
                    if (failure != null || line == null) {
                        out.println("probe failed: " + (failure == null ? "no status line" : Async.unwrap(failure)));
                        return true;
                    }
                    record(millis);
                    String left = line.endsWith(" bottles") ? line.substring(0, line.length() - 8) : line;
                    out.println(String.format(Locale.ROOT, "latency %.3f ms (%s bottles left)", millis, left));
                    return true;
                });
    }

    private synchronized void record(double millis) {
        count++;
        totalMillis += millis;
        maxMillis = Math.max(maxMillis, millis);
    }

    private synchronized Summary summary(PrintStream out) {
        Summary s = new Summary(count, count == 0 ? 0 : totalMillis / count, maxMillis);
        out.println(String.format(Locale.ROOT, "summary: %d probes, mean %.3f ms, max %.3f ms",
                s.probes(), s.meanMillis(), s.maxMillis()));
        return s;
    }

    /**
     * What the monitor measured.
     *
     * @param probes     how many probes got a status line
     * @param meanMillis their mean latency
     * @param maxMillis  their largest latency
     */
    public record Summary(int probes, double meanMillis, double maxMillis) {
    }
}
