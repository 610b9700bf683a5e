package io.asyncio4j.samples.tour;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.combinators.Async;
import io.asyncio4j.combinators.AsyncLock;
import io.asyncio4j.combinators.ReturnWhen;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A Lock released by a call_later callback, and a bounded Queue with task_done/join. */
final class Primitives {

    private Primitives() {
    }

    /** Two coroutines wait for a lock main holds until a timer callback releases it; FIFO hand-over. */
    static void lock(PrintStream out) {
        try (TourLoop loop = new TourLoop()) {
            loop.runUntilComplete(() -> {
                AsyncLock lock = new AsyncLock();
                out.println("acquiring the lock before starting coroutines");
                return lock.acquire().thenCompose(acquired -> {
                    out.println("lock acquired: " + (lock.isLocked() ? "True" : "False"));
                    loop.callLater(Duration.ofMillis(100), () -> {                   // unlock(lock)
                        out.println("callback releasing lock");
                        lock.release();
                    });
                    out.println("waiting for coroutines");
                    return Async.wait(List.of(loop.createTask("coro1()", () -> coro1(out, lock)).future(),
                            loop.createTask("coro2()", () -> coro2(out, lock)).future()), ReturnWhen.ALL_COMPLETED);
                });
            });
        }
    }

    private static AsyncFuture<Void> coro1(PrintStream out, AsyncLock lock) {
        out.println("coro1 waiting for the lock");
        return lock.withLock(() -> {                                                  // with await lock:
            out.println("coro1 acquired lock");
            return AsyncFuture.completed((Void) null);
        }).thenRun(() -> out.println("coro1 released lock"));
    }

    private static AsyncFuture<Void> coro2(PrintStream out, AsyncLock lock) {
        out.println("coro2 waiting for the lock");
        return lock.acquire().thenRun(() -> {
            try {
                out.println("coro2 acquired lock");
            } finally {
                out.println("coro2 released lock");
                lock.release();
            }
        });
    }

    /** A producer fills a queue of two for two consumers, adds a stop signal each, and joins the queue. */
    static void queue(PrintStream out) {
        try (TourLoop loop = new TourLoop()) {
            int numConsumers = 2;
            loop.runUntilComplete(() -> {
                // A queue of two makes the producer wait until consumers take items out.
                TourQueue<Optional<Integer>> q = new TourQueue<>(numConsumers, loop);
                List<AsyncFuture<Void>> tasks = new ArrayList<>();
                for (int i = 0; i < numConsumers; i++) {
                    int n = i;
                    tasks.add(loop.createTask("consumer()", () -> consumer(out, loop, n, q)).future());
                }
                tasks.add(loop.createTask("producer()", () -> producer(out, q, numConsumers)).future());
                return Async.wait(tasks, ReturnWhen.ALL_COMPLETED);
            });
        }
    }

    private static AsyncFuture<Void> consumer(PrintStream out, TourLoop loop, int n, TourQueue<Optional<Integer>> q) {
        out.println("consumer " + n + ": starting");
        return Async.whileTrue(() -> {
            out.println("consumer " + n + ": waiting for item");
            return q.get().thenCompose(item -> {
                out.println("consumer " + n + ": has item " + item.map(String::valueOf).orElse("None"));
                if (item.isEmpty()) {
                    // None is the signal to stop.
                    q.taskDone();
                    return AsyncFuture.completed(false);
                }
                // 25 ms per unit of the item keeps the consumers taking turns in asyncio's order on a busy machine.
                return loop.sleep(Duration.ofMillis(25L * item.get())).thenApply(slept -> {
                    q.taskDone();
                    return true;
                });
            });
        }).thenRun(() -> out.println("consumer " + n + ": ending"));
    }

    private static AsyncFuture<Void> producer(PrintStream out, TourQueue<Optional<Integer>> q, int numWorkers) {
        out.println("producer: starting");
        return Async.repeat(numWorkers * 3L, i -> q.put(Optional.of((int) i))
                        .thenRun(() -> out.println("producer: added task " + i + " to the queue")))
                .thenCompose(added -> {
                    out.println("producer: adding stop signals to the queue");
                    return Async.repeat(numWorkers, i -> q.put(Optional.empty()));
                })
                .thenCompose(stopsAdded -> {
                    out.println("producer: waiting for queue to empty");
                    return q.join();
                })
                .thenRun(() -> out.println("producer: ending"));
    }
}
