package io.asyncio4j.nio;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The byte pipe under a {@link StreamConnection}: at most one read and one write outstanding, each reported to a
 * completion handler. A socket implements it directly; a layer (TLS, a test double, the {@link PrefixedTransport}
 * of a hand-over) implements it over another transport.
 *
 * <h2>What a layer may do</h2>
 * The connection asks for one read at a time, and only while it wants bytes; a layer need not follow that rhythm
 * underneath:
 * <ul>
 *   <li>it may keep its own read of the transport below in flight whenever it likes (TLS must, to finish a
 *       handshake or see {@code close_notify} while the user reads nothing), and serve the connection's read from
 *       what it has decoded;</li>
 *   <li>when a chunk arrives from below and no read of the connection is outstanding, it parks the chunk until the
 *       next read; it never cancels a read below (a cancelled NIO.2 read leaves the channel unusable);</li>
 *   <li>it may complete a read inline, on the thread that called {@code read}, or later from any thread: the
 *       connection hands every completion to its executor, queued when it is already running there, so neither
 *       grows the stack;</li>
 *   <li>a read completes with at least one byte, or -1 at the end of the stream (after every byte before it), or
 *       fails; never with 0. The connection reads no more after -1 or a failure.</li>
 * </ul>
 * Writes complete as a socket's do: the count taken, maybe partial; the connection writes the rest.
 */
interface ByteTransport {

    /** Reads into {@code dst}; the handler gets the count, at least 1, or -1 at the end of the stream. */
    <A> void read(ByteBuffer dst, A attachment, CompletionHandler<Integer, ? super A> handler);

    /** Writes from {@code src}; the handler gets the count written, maybe partial. */
    <A> void write(ByteBuffer src, A attachment, CompletionHandler<Integer, ? super A> handler);

    /** Writes from {@code srcs[offset .. offset+length)}; the handler gets the count written, maybe partial. */
    <A> void write(ByteBuffer[] srcs, int offset, int length, A attachment,
                   CompletionHandler<Long, ? super A> handler);

    /** Shuts down the output side: the peer reads the end of the stream. */
    void shutdownOutput() throws IOException;

    /** Closes the transport, and the transports below it, at once; pending operations fail. */
    void close() throws IOException;

    /**
     * Closes after sending what a layer owes its peer at an orderly close (TLS's {@code close_notify}), within the
     * layer's own time bound; the connection calls it once its own output is sent. The stage completes, on any
     * thread, once the transport is closed. A transport with nothing to send closes at once.
     */
    default CompletionStage<Void> closeOrderly() {
        try {
            close();
            return CompletableFuture.completedFuture(null);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Whether the connection should read into heap buffers rather than direct ones: a layer that decrypts into the
     * buffer it is given (TLS) works fastest on arrays, while a socket reads into direct memory without a copy.
     *
     * @return {@code true} for heap buffers; a socket says {@code false}
     */
    default boolean wantsHeapBuffers() {
        return false;
    }

    /** The local address: an {@code InetSocketAddress}, or a {@code UnixDomainSocketAddress}, maybe unnamed. */
    SocketAddress localAddress();

    /** The peer's address, of the same kind as {@link #localAddress()}. */
    SocketAddress remoteAddress();

    <T> T getOption(SocketOption<T> option) throws IOException;

    <T> void setOption(SocketOption<T> option, T value) throws IOException;
}
