package io.asyncio4j.benchmarks.micro;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.combinators.Async;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code waitFor} on a stage that completes in time, against the JDK's {@code orTimeout}: schedule a timeout,
 * complete the stage, remove the timer task. With {@code pendingTimeouts} other timeouts waiting meanwhile (5 to
 * 15 s away, as a server's idle connections hold them), which is where a deadline heap pays for its depth.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class WaitForBenchmark {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** How many other timeouts wait in the timer while the benchmark runs. */
    @Param({"0", "1000"})
    public int pendingTimeouts;

    private final List<CompletableFuture<?>> pending = new ArrayList<>();

    /** Schedules the other timeouts, for both timers. */
    @Setup(Level.Trial)
    public void schedulePending() {
        Random random = new Random(1);
        for (int i = 0; i < pendingTimeouts; i++) {
            long millis = 5_000 + random.nextInt(10_000);
            pending.add(Async.waitFor(new AsyncFuture<String>(), Duration.ofMillis(millis)));
            pending.add(new CompletableFuture<String>().orTimeout(millis, TimeUnit.MILLISECONDS));
        }
    }

    /** Removes the other timeouts. */
    @TearDown(Level.Trial)
    public void cancelPending() {
        pending.forEach(f -> f.cancel(false));
        pending.clear();
    }

    /** @return the completed result, so the work is not optimized away */
    @Benchmark
    public Object asyncio4jWaitFor() {
        AsyncFuture<String> stage = new AsyncFuture<>();
        AsyncFuture<String> guarded = Async.waitFor(stage, TIMEOUT);
        stage.settle("done"); // the operation behind the stage delivers
        return guarded.join();
    }

    /** @return the completed result, so the work is not optimized away */
    @Benchmark
    public Object jdkOrTimeout() {
        CompletableFuture<String> stage = new CompletableFuture<>();
        CompletableFuture<String> guarded = stage.orTimeout(10, TimeUnit.SECONDS);
        stage.complete("done");
        return guarded.join();
    }
}
