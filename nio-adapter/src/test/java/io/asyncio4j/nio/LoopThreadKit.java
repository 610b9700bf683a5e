package io.asyncio4j.nio;

import io.asyncio4j.ConnectionOptions;
import io.asyncio4j.combinators.AsyncTimer;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * The conformance kit of connections whose executor is a selector loop's thread: one {@link LoopThread} runs every
 * connection's tasks, calls from any other thread are queued to it. Each connection is over a
 * {@link MemoryTransport#pair}: its operations that can complete at once complete inside the call, on the loop
 * thread; those that wait complete on two wire threads, as a socket's on I/O threads, and hop to the loop thread.
 */
final class LoopThreadKit implements TransportKit {

    private static final long STACK = 256 * 1024;

    private LoopThread loop;
    private ThreadPoolExecutor wire;
    private AsyncTimer timer;

    @Override
    public void start() {
        loop = new LoopThread("loop-kit", STACK);
        wire = MemoryKit.wireThreads("loop-kit-wire");
        timer = AsyncTimer.create("loop-kit-timer", wire);
    }

    @Override
    public void stop() {
        timer.close();
        wire.shutdownNow();
        loop.close();
    }

    @Override
    public Pair open(ConnectionOptions options) {
        MemoryTransport transport = MemoryKit.pair(options, wire);
        StreamConnection connection = new StreamConnection(transport, loop.newExecutor(), options, timer);
        connection.start();
        // The start is queued to the loop thread: a started connection is one whose start has run there.
        CompletableFuture<Void> started = new CompletableFuture<>();
        connection.executor().execute(() -> started.complete(null));
        LoopFixture.await(started);
        return new Pair(connection, new MemoryPeer(transport.peer()), () -> { });
    }

    @Override
    public AsyncTimer timer() {
        return timer;
    }
}
