package io.asyncio4j.nio;

import io.asyncio4j.ConnectionOptions;
import io.asyncio4j.combinators.AsyncTimer;

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
        AtomicInteger n = new AtomicInteger();
        wire = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(null, r, "memory-wire-" + n.incrementAndGet(), 256 * 1024);
            t.setDaemon(true);
            return t;
        });
        wire.prestartAllCoreThreads(); // started before any test counts threads
        timer = AsyncTimer.create("memory-timer", wire);
    }

    @Override
    public void stop() {
        timer.close();
        wire.shutdownNow();
    }

    @Override
    public Pair open(ConnectionOptions options) {
        // The module's second test run sets the JDK's property; the transport then takes its readiness path too.
        boolean synchronousReads = !Boolean.getBoolean("sun.nio.ch.disableSynchronousRead");
        MemoryTransport transport = MemoryTransport.pair(bufferSize(options.receiveBufferSize()),
                bufferSize(options.sendBufferSize()), wire, synchronousReads);
        StreamConnection connection = new StreamConnection(transport, options, timer);
        connection.start();
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
