package io.asyncio4j.nio;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;

/**
 * The byte pipe under a {@link StreamConnection}: at most one read and one write outstanding, each reported to
 * a completion handler. The socket implements it directly; a TLS engine or a test double can sit between the
 * connection and the socket by implementing it over another transport.
 */
interface ByteTransport {

    /** Reads into {@code dst}; the handler gets the count, or -1 at the end of the stream. */
    <A> void read(ByteBuffer dst, A attachment, CompletionHandler<Integer, ? super A> handler);

    /** Writes from {@code src}; the handler gets the count written, maybe partial. */
    <A> void write(ByteBuffer src, A attachment, CompletionHandler<Integer, ? super A> handler);

    /** Writes from {@code srcs[offset .. offset+length)}; the handler gets the count written, maybe partial. */
    <A> void write(ByteBuffer[] srcs, int offset, int length, A attachment,
                   CompletionHandler<Long, ? super A> handler);

    /** Shuts down the output side: the peer reads the end of the stream. */
    void shutdownOutput() throws IOException;

    /** Closes the transport; pending operations fail with {@code AsynchronousCloseException}. */
    void close() throws IOException;

    InetSocketAddress localAddress();

    InetSocketAddress remoteAddress();

    <T> T getOption(SocketOption<T> option) throws IOException;

    <T> void setOption(SocketOption<T> option, T value) throws IOException;
}
