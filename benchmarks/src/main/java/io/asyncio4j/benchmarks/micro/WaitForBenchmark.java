package io.asyncio4j.benchmarks.micro;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.combinators.Async;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code waitFor} on a stage that completes in time, against the JDK's {@code orTimeout}: schedule a timeout,
 * complete the stage, remove the timer task.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class WaitForBenchmark {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** @return the completed result, so the work is not optimized away */
    @Benchmark
    public Object asyncio4jWaitFor() {
        AsyncFuture<String> stage = new AsyncFuture<>();
        AsyncFuture<String> guarded = Async.waitFor(stage, TIMEOUT);
        stage.complete("done");
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
