package io.asyncio4j.nio;

import io.asyncio4j.ConnectionOptions;
import io.asyncio4j.combinators.AsyncTimer;

/**
 * What the transport conformance suite needs of a transport: connections of it, each with a raw {@link Peer} at
 * the other end. A new transport joins the suite with one kit and, for each suite (each abstract subclass of
 * {@link ConformanceFixture}), a subclass whose constructor passes the kit; {@code ConformanceMatrixTest} fails until
 * every suite has one.
 *
 * <p>The kit's threads run with small stacks (256 KiB), so that a synchronous chain that grows the stack fails
 * on every transport.
 */
interface TransportKit {

    /** Starts what the connections of one test class share: threads, a timer, listeners. */
    void start() throws Exception;

    /** Stops what {@link #start} started. */
    void stop() throws Exception;

    /**
     * Opens a started connection (its read pump running) with {@code options}, and its peer. A send buffer size in
     * the options also bounds what the peer's side buffers toward it, so that large writes stay queued in the
     * connection while the peer does not read.
     */
    Pair open(ConnectionOptions options) throws Exception;

    /** The timer the kit's connections use: idle timeouts live there. */
    AsyncTimer timer();

    /** A connection under test and its peer; closing it closes both, and whatever the kit opened for them. */
    record Pair(StreamConnection connection, Peer peer, AutoCloseable cleanup) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            try {
                peer.close();
            } finally {
                connection.abort();
                cleanup.close();
            }
        }
    }
}
