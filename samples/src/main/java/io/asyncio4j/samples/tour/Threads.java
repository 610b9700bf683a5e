package io.asyncio4j.samples.tour;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.combinators.Async;
import io.asyncio4j.combinators.BridgeQueue;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

/**
 * Threads beside the loop: {@code run_in_executor}, a thread pool's futures as they complete, and worker threads
 * on a bounded queue, stopped by sentinels.
 */
final class Threads {

    private Threads() {
    }

    /** A synchronous function: blocks its thread until the whole page is read. */
    static byte[] syncGetUrl(URL url) {
        try (InputStream in = url.openStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The blocking read runs on a worker thread while the loop stays free. The page is bundled with the samples,
     * so the recipe runs offline and always prints the same length.
     */
    static void runInExecutor(PrintStream out) {
        URL url = Threads.class.getResource("page.html");
        ExecutorService pool = Executors.newCachedThreadPool();                 // the loop's default executor
        try (TourLoop loop = new TourLoop()) {
            loop.runUntilComplete(() -> {
                AsyncFuture<byte[]> future = Async.runInExecutor(pool, () -> syncGetUrl(url));
                return future.thenAccept(response -> out.println(response.length));
            });
        } finally {
            pool.shutdown();
        }
    }

    /** Squares computed by three threads, printed in the order they complete. */
    static void threadPool(PrintStream out) {
        ExecutorService pool = Executors.newFixedThreadPool(3);                 // max_workers=3
        try {
            List<AsyncFuture<Integer>> results = IntStream.range(0, 10)
                    .mapToObj(i -> Async.runInExecutor(pool, () -> i * i))      // pool.submit(f, i)
                    .toList();
            Async.forEach(Async.asCompleted(results), future -> future.thenAccept(out::println)).join();
        } finally {
            pool.shutdown();                                                    // leaving the with block
        }
    }

    /**
     * Two threads take from a queue of five; the main thread puts 50 items, blocking while the queue is full,
     * then one sentinel per worker. The queue's blocking side serves threads; its async side could serve futures
     * at the same time. An empty {@code Optional} is the sentinel ({@code None}): the queue refuses {@code null}.
     */
    static void threadQueue(PrintStream out) {
        BridgeQueue<Optional<Integer>> q = BridgeQueue.fifo(5);                 // q = Queue(5)
        BridgeQueue.BlockingSide<Optional<Integer>> side = q.blockingSide();
        Thread th1 = new Thread(() -> worker(side, 1, out));
        Thread th2 = new Thread(() -> worker(side, 2, out));
        th1.start();
        th2.start();
        try {
            for (int i = 0; i < 50; i++) {
                side.put(Optional.of(i));                                       // blocks while 5 are queued
            }
            side.put(Optional.empty());
            side.put(Optional.empty());
            th1.join();
            th2.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void worker(BridgeQueue.BlockingSide<Optional<Integer>> q, int n, PrintStream out) {
        try {
            while (true) {
                Optional<Integer> item = q.take();                              // item = q.get()
                if (item.isEmpty()) {                                           // if item is None: break
                    break;
                }
                out.println("process data: " + n + " " + item.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
