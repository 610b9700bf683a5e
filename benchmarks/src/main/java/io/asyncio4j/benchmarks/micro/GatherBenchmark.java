package io.asyncio4j.benchmarks.micro;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.combinators.Async;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code gather} of 1,000 futures against {@code CompletableFuture.allOf} + join, with every future already
 * completed, and with every future pending when the gather is built (completed afterwards, in order).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class GatherBenchmark {

    @Param("1000")
    int size;

    private List<AsyncFuture<Integer>> completed;

    @Setup
    public void setUp() {
        completed = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            completed.add(AsyncFuture.completed(i));
        }
    }

    /** @return the gathered results */
    @Benchmark
    public Object gatherCompleted() {
        return Async.gather(completed).join();
    }

    /** @return the joined results */
    @Benchmark
    public Object allOfCompleted() {
        CompletableFuture<?>[] all = completed.toArray(new CompletableFuture<?>[0]);
        CompletableFuture.allOf(all).join();
        List<Integer> out = new ArrayList<>(size);
        for (AsyncFuture<Integer> f : completed) {
            out.add(f.join());
        }
        return out;
    }

    /** @return the gathered results */
    @Benchmark
    public Object gatherPending() {
        List<AsyncFuture<Integer>> pending = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            pending.add(new AsyncFuture<>());
        }
        AsyncFuture<List<Integer>> all = Async.gather(pending);
        for (int i = 0; i < size; i++) {
            pending.get(i).settle(i);
        }
        return all.join();
    }

    /** @return the joined results */
    @Benchmark
    public Object allOfPending() {
        List<CompletableFuture<Integer>> pending = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            pending.add(new CompletableFuture<>());
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0]));
        for (int i = 0; i < size; i++) {
            pending.get(i).complete(i);
        }
        all.join();
        List<Integer> out = new ArrayList<>(size);
        for (CompletableFuture<Integer> f : pending) {
            out.add(f.join());
        }
        return out;
    }
}
