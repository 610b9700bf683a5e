package io.asyncio4j.samples.httpserver;

import io.asyncio4j.samples.http.HeadWriter;
import io.asyncio4j.samples.http.HttpHeaders;
import io.asyncio4j.samples.http.RequestHead;

import java.time.Clock;
import java.time.Instant;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * {@code GET /plaintext}, the request the benchmarks send: {@code Hello, World!} as {@code text/plain}. On a
 * keep-alive HTTP/1.1 connection the response is the same bytes for a whole second (only {@code Date} changes), so
 * it is encoded once per second and shared by every connection; other requests for the path go through the
 * {@link FileRouter} like any other.
 */
final class PlaintextResponse {

    /** The path answered. */
    static final String PATH = "/plaintext";

    /** The body. */
    static final byte[] BODY = "Hello, World!".getBytes(UTF_8);

    /** The latest encoded response, replaced when the second changes. */
    private static volatile Encoded latest;

    private PlaintextResponse() {
    }

    /**
     * Whether a request can take the shared bytes: a GET of exactly {@value #PATH} (not percent-encoded, no query)
     * on a connection that stays open and speaks HTTP/1.1, so the response needs no {@code Connection} field.
     */
    static boolean isShared(RequestHead head, boolean keepAlive) {
        return keepAlive && head.method().equals("GET") && head.version().minor() == 1
                && head.target().equals(PATH);
    }

    /** The whole response, head and body, for the current second of {@code clock}; do not modify it. */
    static byte[] current(Clock clock) {
        long second = Math.floorDiv(clock.millis(), 1000);
        Encoded cached = latest;
        if (cached == null || cached.second != second) {
            HttpHeaders headers = new HttpHeaders().add("Content-Type", "text/plain")
                    .add("Content-Length", Integer.toString(BODY.length));
            cached = new Encoded(second,
                    ResponseWriter.concat(HeadWriter.response(200, headers, Instant.ofEpochSecond(second)), BODY));
            latest = cached;
        }
        return cached.bytes;
    }

    /** A response's bytes and the second of its {@code Date}. */
    private record Encoded(long second, byte[] bytes) {
    }
}
