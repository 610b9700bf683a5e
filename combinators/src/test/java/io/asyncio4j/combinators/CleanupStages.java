package io.asyncio4j.combinators;

import io.asyncio4j.AsyncFuture;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Stages that handle their own cancellation with asynchronous cleanup, as an asyncio task does with
 * {@code except CancelledError: await cleanup(); raise}. The cleanup is a future the test settles, so a test
 * decides when it ends and can see whether anybody cancelled it.
 */
final class CleanupStages {

    private CleanupStages() {
    }

    /**
     * {@code try: return await work / except CancelledError: events.append("cancelled"); await cleanup;
     * events.append("cleanup"); raise}. {@code cancelSeen} completes when the cancellation has arrived.
     */
    static <T> AsyncFuture<T> reraisingAfter(AsyncFuture<T> work, AsyncFuture<Void> cleanup, List<String> events,
                                             CompletableFuture<Void> cancelSeen) {
        return work.exceptionallyCompose(e -> {
            if (!(Async.unwrap(e) instanceof CancellationException)) {
                return AsyncFuture.failed(e);
            }
            events.add("cancelled");
            cancelSeen.complete(null);
            return cleanup.thenCompose(v -> {
                events.add("cleanup");
                return AsyncFuture.failed(e);
            });
        });
    }

    /** As {@link #reraisingAfter}, but the cleanup's value is returned: the cancellation is suppressed. */
    static <T> AsyncFuture<T> recoveringWith(AsyncFuture<T> work, AsyncFuture<T> cleanup, List<String> events,
                                             CompletableFuture<Void> cancelSeen) {
        return work.exceptionallyCompose(e -> {
            events.add("cancelled");
            cancelSeen.complete(null);
            return cleanup.whenComplete((v, x) -> events.add("cleanup"));
        });
    }

    /**
     * A timer whose callbacks run on one thread, in order: once {@link #drain} returns, every callback handed to
     * it before (a timeout's expiry, and the cleanup function that expiry ran) has returned.
     */
    static final class SerialTimer implements AutoCloseable {
        private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "serial-callbacks");
            t.setDaemon(true);
            return t;
        });
        final AsyncTimer timer = AsyncTimer.create("serial-timer", thread);

        void drain() {
            Outcomes.value(CompletableFuture.runAsync(() -> { }, thread));
        }

        @Override
        public void close() {
            timer.close();
            thread.shutdown();
        }
    }
}
