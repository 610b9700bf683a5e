package io.asyncio4j;

import java.nio.ByteBuffer;

/**
 * Decodes one message from the front of a connection's received bytes, for
 * {@link Connection#readFrame(FrameDecoder, int)}: a whole protocol message (an HTTP head, a length-prefixed
 * record) read as one operation, parsed straight from the connection's buffer, with one future per message
 * instead of one per line or field.
 *
 * <p>The connection calls {@link #decode} whenever bytes arrive while the read waits (and once when it starts,
 * if bytes are buffered), each time with <em>all</em> the bytes received and not yet consumed, up to the read's
 * limit. A decoder that needs more returns {@code null} and is called again with the same bytes and more. One
 * decoder object serves one read, so it may keep state between calls (for instance how far it has already
 * parsed) to avoid rescanning the same bytes.
 *
 * <p>It runs on the connection's executor, in the middle of the connection's bookkeeping: it must be quick, must
 * not block, and must not call the connection.
 *
 * @param <T> the message type
 */
@FunctionalInterface
public interface FrameDecoder<T> {

    /**
     * Decodes a message from {@code buffered}, or says it needs more bytes.
     *
     * <p>{@code buffered} is a read-only view from its position to its limit; it is valid during this call only,
     * so copy what the message keeps. To produce a message, advance the position past the bytes it used (those
     * bytes are consumed, the rest stay for the next read) and return it. To wait for more, return {@code null}:
     * the position is then ignored and nothing is consumed. Once {@code endOfStream} is {@code true} no more bytes
     * will come, and {@code null} completes the read with {@code null}, consuming the bytes advanced past (for a
     * clean end between messages). To reject the bytes, throw: the read fails with that exception and nothing
     * is consumed.
     *
     * @param buffered    the unconsumed bytes, at most the read's limit, possibly none at the end of the stream
     * @param endOfStream whether the peer has ended the stream and {@code buffered} holds every byte left, fewer
     *                    than the read's limit ({@code limit} bytes left are never offered as the end: {@code null}
     *                    with them fails the read with a limit overrun, whether or not the stream has ended)
     * @return the message, or {@code null} to wait for more (or, at the end of the stream, to complete with
     *         {@code null})
     */
    T decode(ByteBuffer buffered, boolean endOfStream);
}
