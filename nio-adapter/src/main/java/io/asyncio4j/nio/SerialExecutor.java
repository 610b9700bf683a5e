package io.asyncio4j.nio;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs tasks one at a time in submission order, on the thread that finds it idle. A task submitted while another
 * runs is queued and run by the running thread after it: this serializes a connection's callbacks and, because a
 * completion inside a callback is queued rather than run on top of it, keeps synchronous read/write chains from
 * growing the stack.
 */
final class SerialExecutor implements Executor {

    private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);

    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();

    @Override
    public void execute(Runnable task) {
        if (pending.compareAndSet(0, 1)) {
            // Idle: run it here without queueing, then whatever was submitted meanwhile.
            runSafely(task);
        } else {
            tasks.offer(task);
            if (pending.getAndIncrement() != 0) {
                return;
            }
            runSafely(tasks.poll());
        }
        while (pending.decrementAndGet() != 0) {
            runSafely(tasks.poll());
        }
    }

    private static void runSafely(Runnable task) {
        try {
            task.run();
        } catch (Throwable t) {
            log.error("task failed on a connection executor", t);
        }
    }
}
