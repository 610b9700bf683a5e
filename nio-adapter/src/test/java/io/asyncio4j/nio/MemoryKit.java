package io.asyncio4j.nio;

import io.asyncio4j.ConnectionOptions;
import io.asyncio4j.combinators.AsyncTimer;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The conformance kit of the in-memory transport: each connection over a {@link MemoryTransport#pair}, whose
 * waiting operations complete on two wire threads, as a socket's complete on the loop's I/O threads.
 */
final class MemoryKit implements TransportKit {

    /** Bytes buffered per direction unless the options set a buffer size. */
    private static final int DEFAULT_BUFFER = 256 * 1024;

    private ThreadPoolExecutor wire;
    private AsyncTimer timer;

    @Override
    public void start() {
        wire = wireThreads("memory-wire");
        timer = AsyncTimer.create("memory-timer", wire);
    }

    /** Two daemon threads on small stacks, started before any test counts threads. */
    static ThreadPoolExecutor wireThreads(String name) {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor wire = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(null, r, name + "-" + n.incrementAndGet(), 256 * 1024);
            t.setDaemon(true);
            return t;
        });
        wire.prestartAllCoreThreads();
        return wire;
    }

    @Override
    public void stop() {
        timer.close();
        wire.shutdownNow();
    }

    @Override
    public Pair open(ConnectionOptions options) {
        MemoryTransport transport = pair(options, wire);
        StreamConnection connection = new StreamConnection(transport, options, timer);
        connection.start();
        return new Pair(connection, new MemoryPeer(transport.peer()), () -> { });
    }

    /** A pair buffering what the options' buffer sizes say, its waiting operations completing on {@code wire}. */
    static MemoryTransport pair(ConnectionOptions options, Executor wire) {
        // The module's second test run sets the JDK's property; the transport then takes its readiness path too.
        boolean synchronousReads = !Boolean.getBoolean("sun.nio.ch.disableSynchronousRead");
        return MemoryTransport.pair(bufferSize(options.receiveBufferSize()), bufferSize(options.sendBufferSize()),
                wire, synchronousReads);
    }

    private static int bufferSize(int option) {
        return option > 0 ? option : DEFAULT_BUFFER;
    }

    @Override
    public AsyncTimer timer() {
        return timer;
    }
}
