package io.asyncio4j.combinators;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
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
}
