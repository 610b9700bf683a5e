package io.asyncio4j.samples.http;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.Connection;
import io.asyncio4j.LimitOverrunException;
import io.asyncio4j.combinators.Async;

import java.io.EOFException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

/**
 * Decodes the chunked transfer coding (RFC 9112 §7.1): chunk-size lines bounded by
 * {@link HttpLimits#maxChunkLineBytes()}, the decoded total by {@link HttpLimits#maxBodyBytes()}, the trailer
 * section by the header limits (trailers are read and dropped).
 *
 * <p>Chunk-size lines and the line end after chunk data must be CRLF: the bare LF that RFC 9112 §2.2 lets a
 * recipient accept in the start line and fields is refused here (400), since disagreeing about where a chunk
 * ends is how requests are smuggled past a proxy.
 */
final class ChunkedBodyReader {

    private static final byte[] LF = {'\n'};
    /** Above this a chunk size cannot take another hex digit without overflowing a long. */
    private static final long MAX_SIZE_BEFORE_DIGIT = Long.MAX_VALUE >> 4;

    private ChunkedBodyReader() {
    }

    static AsyncFuture<Long> stream(Connection conn, HttpLimits limits,
                                    Function<ByteBuffer, ? extends CompletionStage<?>> sink) {
        long[] total = {0};
        return Async.whileTrue(() -> readChunkSize(conn, limits).thenCompose(size -> {
            if (size == 0) {
                return HeaderSectionReader.read(conn, limits.maxHeaderBytes(), limits.maxHeaderCount(),
                        new HttpHeaders()).thenApply(trailers -> false);
            }
            if (size > limits.maxBodyBytes() - total[0]) {
                throw Failures.fail(413, "chunked body exceeds the limit of " + limits.maxBodyBytes() + " bytes");
            }
            total[0] += size;
            return BodyReader.streamExactly(conn, size, sink).thenCompose(n -> readChunkEnd(conn));
        })).thenApply(v -> total[0]);
    }

    private static AsyncFuture<Long> readChunkSize(Connection conn, HttpLimits limits) {
        return conn.readUntil(LF, limits.maxChunkLineBytes()).handle((bytes, failure) -> {
            if (failure != null) {
                Throwable e = Failures.unwrap(failure);
                if (e instanceof LimitOverrunException) {
                    throw Failures.fail(400, "chunk-size line longer than " + limits.maxChunkLineBytes() + " bytes");
                }
                if (e instanceof EOFException) {
                    throw new CompletionException(new EOFException("connection closed inside a chunked body"));
                }
                throw new CompletionException(e);
            }
            if (bytes.length < 2 || bytes[bytes.length - 2] != '\r') {
                throw Failures.fail(400, "chunk-size line not ended by CRLF");
            }
            return parseSize(new String(bytes, 0, bytes.length - 2, ISO_8859_1));
        });
    }

    /** chunk-size [ chunk-ext ]: hexadecimal digits, then optionally whitespace and {@code ;extensions}. */
    private static long parseSize(String line) {
        int end = 0;
        long size = 0;
        while (end < line.length() && hexValue(line.charAt(end)) >= 0) {
            if (size > MAX_SIZE_BEFORE_DIGIT) {
                throw Failures.fail(413, "chunk size too large");
            }
            size = size * 16 + hexValue(line.charAt(end));
            end++;
        }
        String rest = Tokens.trimOws(line.substring(end));
        if (end == 0 || !(rest.isEmpty() || rest.charAt(0) == ';') || !Tokens.isFieldValue(rest)) {
            throw Failures.fail(400, "malformed chunk-size line");
        }
        return size;
    }

    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }

    /** The CRLF after a chunk's data. */
    private static AsyncFuture<Boolean> readChunkEnd(Connection conn) {
        return conn.readUntil(LF, 2).handle((bytes, failure) -> {
            if (failure != null && !(Failures.unwrap(failure) instanceof LimitOverrunException)) {
                throw new CompletionException(Failures.unwrap(failure));
            }
            if (failure != null || bytes.length != 2 || bytes[0] != '\r') {
                throw Failures.fail(400, "chunk data not followed by CRLF");
            }
            return true;
        });
    }
}
