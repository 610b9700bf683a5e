package io.asyncio4j.nio;

import io.asyncio4j.Connection;
import io.asyncio4j.ConnectionHandler;
import io.asyncio4j.Server;
import io.asyncio4j.ServerOptions;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/** Helpers shared by the adapter's tests: one loop per test class, servers on port 0, bounded waits. */
final class LoopFixture {

    static final Duration WAIT = Duration.ofSeconds(30);

    private LoopFixture() {
    }

    static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.CancellationException e) {
            throw e;
        } catch (java.util.concurrent.ExecutionException e) {
            throw new java.util.concurrent.CompletionException(e.getCause());
        } catch (Exception e) {
            throw new AssertionError("future did not complete within " + WAIT + ": " + f, e);
        }
    }

    static Server listen(EventLoop loop, ConnectionHandler handler) {
        return await(loop.listen("127.0.0.1", 0, handler));
    }

    static Server listen(EventLoop loop, ConnectionHandler handler, ServerOptions options) {
        return await(loop.listen("127.0.0.1", 0, handler, options));
    }

    static Connection connect(EventLoop loop, Server server) {
        return await(loop.connect("127.0.0.1", server.port()));
    }

    /**
     * Starts all {@code workers} worker threads of {@code loop} now, so that a test counting threads does not see one
     * start late: the pool adds a thread for each task it is given until it has them all.
     */
    static void startWorkers(EventLoop loop, int workers) {
        CompletableFuture<Void> ran = new CompletableFuture<>();
        AtomicInteger left = new AtomicInteger(workers);
        for (int i = 0; i < workers; i++) {
            loop.timer().execute(() -> {
                if (left.decrementAndGet() == 0) {
                    ran.complete(null);
                }
            });
        }
        await(ran);
    }

    /** Waits for a condition that other threads make true, failing after {@link #WAIT}. */
    static void eventually(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not true within " + WAIT + ": " + what);
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }
}
