package io.asyncio4j.combinators;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.fail;

/** Waiting for outcomes in tests: a generous bound that only a hang reaches, never a timing assertion. */
final class Outcomes {

    /** Long enough that only a bug (a future that never completes) reaches it. */
    static final long PATIENCE_SECONDS = 10;

    private Outcomes() {
    }

    /** Waits for {@code f} and returns its value, failing the test if it failed. */
    static <T> T value(CompletableFuture<T> f) {
        try {
            return f.get(PATIENCE_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("expected a value, got " + e.getCause(), e.getCause());
        } catch (CancellationException e) {
            throw new AssertionError("expected a value, the future was cancelled", e);
        } catch (TimeoutException e) {
            throw new AssertionError("the future did not complete");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Waits for {@code f} and returns its failure as the future reports it (a cancellation included). */
    static Throwable failure(CompletableFuture<?> f) {
        try {
            Object v = f.get(PATIENCE_SECONDS, TimeUnit.SECONDS);
            return fail("expected a failure, got the value " + v);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (CancellationException e) {
            return e;
        } catch (TimeoutException e) {
            return fail("the future did not complete");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Waits for a latch-like future to be done, whatever its outcome. */
    static void done(CompletableFuture<?> f) {
        try {
            f.get(PATIENCE_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | CancellationException e) {
            // done, that is all we wait for
        } catch (TimeoutException e) {
            fail("the future did not complete");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * Starts one thread per body, releases them together, and waits for all; fails with every thread's failure
     * suppressed, or if a thread is still running {@code guardSeconds} + 5 s later (a lost wake-up).
     */
    static void runTogether(List<Runnable> bodies, long guardSeconds) throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (Runnable body : bodies) {
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    body.run();
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        start.countDown();
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(guardSeconds + 5));
            if (t.isAlive()) {
                failures.add(new AssertionError("a thread is stuck: a wake-up was lost"));
            }
        }
        if (!failures.isEmpty()) {
            AssertionError error = new AssertionError(failures.size() + " thread(s) failed");
            failures.forEach(error::addSuppressed);
            throw error;
        }
    }
}
