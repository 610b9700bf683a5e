package io.asyncio4j.nio;

import io.asyncio4j.ConnectionOptions;
import io.asyncio4j.combinators.AsyncTimer;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The conformance kit of connections whose executor is a selector loop's thread: one {@link LoopThread} runs every
 * connection's tasks, calls from any other thread are queued to it. Each connection is over a
 * {@link MemoryTransport#pair}: its operations that can complete at once complete inside the call, on the loop
 * thread; those that wait complete on two wire threads, as a socket's on I/O threads, and hop to the loop thread.
 */
final class LoopThreadKit implements TransportKit {

    /** Bytes buffered per direction unless the options set a buffer size. */
    private static final int DEFAULT_BUFFER = 256 * 1024;
    private static final long STACK = 256 * 1024;

    private LoopThread loop;
    private ThreadPoolExecutor wire;
    private AsyncTimer timer;

    @Override
    public void start() {
        loop = new LoopThread("loop-kit", STACK);
        AtomicInteger n = new AtomicInteger();
        wire = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(null, r, "loop-kit-wire-" + n.incrementAndGet(), STACK);
            t.setDaemon(true);
            return t;
        });
        wire.prestartAllCoreThreads(); // started before any test counts threads
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
        // The module's second test run sets the JDK's property; the transport then takes its readiness path too.
        boolean synchronousReads = !Boolean.getBoolean("sun.nio.ch.disableSynchronousRead");
        MemoryTransport transport = MemoryTransport.pair(bufferSize(options.receiveBufferSize()),
                bufferSize(options.sendBufferSize()), wire, synchronousReads);
        StreamConnection connection = new StreamConnection(transport, loop.newExecutor(), options, timer);
        connection.start();
        // The start is queued to the loop thread: a started connection is one whose start has run there.
        CompletableFuture<Void> started = new CompletableFuture<>();
        connection.executor().execute(() -> started.complete(null));
        LoopFixture.await(started);
        return new Pair(connection, new MemoryPeer(transport.peer()), () -> { });
    }

    private static int bufferSize(int option) {
        return option > 0 ? option : DEFAULT_BUFFER;
    }

    @Override
    public AsyncTimer timer() {
        return timer;
    }
}
