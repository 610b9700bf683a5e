package io.asyncio4j.combinators;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** How the combinators read and combine the failures of the stages they wait for. */
final class Failures {

    private Failures() {
    }

    /** The failure itself, without the {@link CompletionException} a dependent stage sees it wrapped in. */
    static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    /** The failure of a future that completed exceptionally, unwrapped. */
    static Throwable failureOf(CompletableFuture<?> f) {
        try {
            f.join();
        } catch (CancellationException e) {
            return e;
        } catch (CompletionException e) {
            return unwrap(e);
        }
        throw new IllegalStateException("the future did not fail");
    }

    /** Attaches {@code other} to {@code to} as suppressed, unless they are the same exception. */
    static void addSuppressed(Throwable to, Throwable other) {
        if (to != other) {
            to.addSuppressed(other);
        }
    }
}
