package io.asyncio4j.samples.http;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Unwrapping the failures that {@code CompletableFuture} stages relay. */
final class Failures {

    private Failures() {
    }

    /** Strips every {@link CompletionException} and {@link ExecutionException} wrapper. */
    static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Wraps a checked failure so it can leave a stage function; the pipeline's end unwraps it. */
    static CompletionException fail(int status, String message) {
        return new CompletionException(new HttpException(status, message));
    }
}
