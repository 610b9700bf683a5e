package io.asyncio4j.benchmarks.micro;

import io.asyncio4j.combinators.AsyncLock;
import io.asyncio4j.combinators.AsyncQueue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/** Uncontended lock acquire+release and queue put+get, beside their java.util.concurrent counterparts. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class PrimitivesBenchmark {

    private final AsyncLock lock = new AsyncLock();
    private final ReentrantLock jdkLock = new ReentrantLock();
    private final AsyncQueue<Integer> queue = AsyncQueue.fifo(1024);
    private final ArrayBlockingQueue<Integer> jdkQueue = new ArrayBlockingQueue<>(1024);
    private final Integer item = 42;

    /** @return whether the acquire completed at once */
    @Benchmark
    public boolean asyncLockAcquireRelease() {
        boolean done = lock.acquire().isDone();
        lock.release();
        return done;
    }

    /** @return whether the lock was held */
    @Benchmark
    public boolean reentrantLockLockUnlock() {
        jdkLock.lock();
        boolean held = jdkLock.isHeldByCurrentThread();
        jdkLock.unlock();
        return held;
    }

    /** @return the item taken back */
    @Benchmark
    public Object asyncQueuePutGet() {
        queue.put(item);
        return queue.get().join();
    }

    /** @return the item taken back */
    @Benchmark
    public Object arrayBlockingQueueOfferPoll() {
        jdkQueue.offer(item);
        return jdkQueue.poll();
    }
}
