package io.asyncio4j.samples.http;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.Connection;
import io.asyncio4j.combinators.Async;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Reads a message body as its {@link BodyFraming} says, handing it piece by piece to a sink so that memory stays
 * bounded by the piece size whatever the body's length.
 *
 * <p>Failures: {@link HttpException} 413 as soon as the body is known to exceed
 * {@link HttpLimits#maxBodyBytes()}, 400 for a malformed chunked coding, {@link EOFException} when the stream
 * ends inside a length-delimited or chunked body, and whatever the sink's stage fails with. The next piece is
 * read only after the sink's stage completes, so a slow sink pushes back on the peer. The futures complete on
 * the connection's executor.
 */
public final class BodyReader {

    /** The most bytes handed to the sink at once. */
    static final int PIECE = 64 * 1024;

    private BodyReader() {
    }

    /**
     * Streams the body to {@code sink}.
     *
     * @param conn    the connection, positioned at the body
     * @param framing how the body is delimited
     * @param limits  the bounds; {@link HttpLimits#maxBodyBytes()} applies to the decoded body
     * @param sink    takes each piece (which it owns); the next piece waits for its stage ({@code null}: at once)
     * @return a future of the body length
     */
    public static AsyncFuture<Long> stream(Connection conn, BodyFraming framing, HttpLimits limits,
                                           Function<ByteBuffer, ? extends CompletionStage<?>> sink) {
        switch (framing.kind()) {
            case CHUNKED:
                return ChunkedBodyReader.stream(conn, limits, sink);
            case UNTIL_CLOSE:
                return streamUntilClose(conn, limits.maxBodyBytes(), sink);
            default:
                if (framing.length() > limits.maxBodyBytes()) {
                    return AsyncFuture.failed(new HttpException(413, "body of " + framing.length()
                            + " bytes exceeds the limit of " + limits.maxBodyBytes()));
                }
                return streamExactly(conn, framing.length(), sink);
        }
    }

    /**
     * Reads the body and drops it, so the next message on the connection can be read.
     *
     * @param conn    the connection, positioned at the body
     * @param framing how the body is delimited
     * @param limits  the bounds
     * @return a future of the body length
     */
    public static AsyncFuture<Long> discard(Connection conn, BodyFraming framing, HttpLimits limits) {
        return stream(conn, framing, limits, piece -> null);
    }

    /**
     * Reads the whole body into an array.
     *
     * @param conn    the connection, positioned at the body
     * @param framing how the body is delimited
     * @param limits  the bounds; the body may not exceed {@code Integer.MAX_VALUE - 8} bytes either
     * @return a future of the body
     */
    public static AsyncFuture<byte[]> readAll(Connection conn, BodyFraming framing, HttpLimits limits) {
        HttpLimits bounded = limits.maxBodyBytes() > Integer.MAX_VALUE - 8
                ? limits.withMaxBodyBytes(Integer.MAX_VALUE - 8) : limits;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        return stream(conn, framing, bounded, piece -> {
            byte[] bytes = new byte[piece.remaining()];
            piece.get(bytes);
            out.write(bytes, 0, bytes.length);
            return null;
        }).thenApply(n -> out.toByteArray());
    }

    /** Streams exactly {@code length} bytes. */
    static AsyncFuture<Long> streamExactly(Connection conn, long length,
                                           Function<ByteBuffer, ? extends CompletionStage<?>> sink) {
        long[] left = {length};
        return Async.whileTrue(() -> {
            if (left[0] == 0) {
                return AsyncFuture.completed(false);
            }
            return conn.read((int) Math.min(left[0], PIECE)).thenCompose(piece -> {
                if (!piece.hasRemaining()) {
                    throw new CompletionException(new EOFException("connection closed after "
                            + (length - left[0]) + " of " + length + " body bytes"));
                }
                left[0] -= piece.remaining();
                return give(sink, piece);
            });
        }).thenApply(v -> length);
    }

    private static AsyncFuture<Long> streamUntilClose(Connection conn, long max,
                                                      Function<ByteBuffer, ? extends CompletionStage<?>> sink) {
        long[] total = {0};
        return Async.whileTrue(() -> conn.read(PIECE).thenCompose(piece -> {
            if (!piece.hasRemaining()) {
                return AsyncFuture.completed(false);
            }
            total[0] += piece.remaining();
            if (total[0] > max) {
                throw Failures.fail(413, "body exceeds the limit of " + max + " bytes");
            }
            return give(sink, piece);
        })).thenApply(v -> total[0]);
    }

    /** Hands a piece to the sink; completes with {@code true} (go on) when the sink's stage does. */
    static AsyncFuture<Boolean> give(Function<ByteBuffer, ? extends CompletionStage<?>> sink, ByteBuffer piece) {
        CompletionStage<?> taken = sink.apply(piece);
        return taken == null ? AsyncFuture.completed(true) : AsyncFuture.of(taken).thenApply(x -> true);
    }
}
