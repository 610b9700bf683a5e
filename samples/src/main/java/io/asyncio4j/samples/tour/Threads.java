package io.asyncio4j.samples.tour;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.combinators.Async;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

/** Seed 001 E44 ({@code run_in_executor}) and E9 (a thread pool's futures as they complete). */
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
     * E44: the blocking read runs on a worker thread while the loop stays free. The page is bundled with the
     * samples (the seed fetched google.com), so the recipe runs offline and always prints the same length.
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

    /** E9: squares computed by three threads, printed in the order they complete. */
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
}
