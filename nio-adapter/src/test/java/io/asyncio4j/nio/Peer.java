package io.asyncio4j.nio;

import java.io.IOException;

import static java.nio.charset.StandardCharsets.US_ASCII;

/**
 * The far end of a connection under test, as a plain blocking socket: raw bytes in and out, no library code. Every
 * wait is bounded by {@link LoopFixture#WAIT}; a peer may be used by one writing and one reading thread at once.
 */
interface Peer extends AutoCloseable {

    /** Sends {@code bytes}; blocks while the transport's buffers toward the connection are full. */
    void write(byte[] bytes) throws IOException;

    /** Sends {@code text} as ASCII. */
    default void write(String text) throws IOException {
        write(text.getBytes(US_ASCII));
    }

    /** Reads {@code n} bytes, fewer only if the connection's output ends first. */
    byte[] read(int n) throws IOException;

    /** Reads until the connection's output ends. */
    byte[] readToEnd() throws IOException;

    /** Half-closes: the connection reads the end of the stream; the peer can still read. */
    void shutdownOutput() throws IOException;

    /** Closes abortively (a TCP reset): the connection's waiting and later operations fail with an IOException. */
    void reset() throws IOException;

    /** Closes: the connection reads the end of the stream after what was sent. */
    @Override
    void close() throws IOException;
}
