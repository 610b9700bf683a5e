package io.asyncio4j.samples.http;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.Connection;
import io.asyncio4j.LimitOverrunException;

import java.io.EOFException;
import java.util.List;
import java.util.concurrent.CompletionException;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

/**
 * Reads HTTP/1.x response heads from a {@link Connection} (RFC 9112 §4) for a client, and decides how their
 * bodies are framed (§6.3), every read bounded by {@link HttpLimits}.
 *
 * <p>Interim 1xx responses are read and skipped. Failures are {@link HttpException}s (a malformed or oversized
 * head) or {@link EOFException} (the server closed before a complete head). The futures complete on the
 * connection's executor.
 */
public final class ResponseReader {

    /** The most interim (1xx) responses skipped before the final one. */
    private static final int MAX_INTERIM_RESPONSES = 8;

    private ResponseReader() {
    }

    /**
     * Reads the final response head, skipping interim 1xx responses.
     *
     * @param conn   the connection
     * @param limits the bounds
     * @return a future of the head
     */
    public static AsyncFuture<ResponseHead> readHead(Connection conn, HttpLimits limits) {
        return readHead(conn, limits, MAX_INTERIM_RESPONSES);
    }

    private static AsyncFuture<ResponseHead> readHead(Connection conn, HttpLimits limits, int interimLeft) {
        return conn.readLine(limits.maxStartLineBytes())
                .thenApply(bytes -> {
                    if (bytes == null) {
                        throw new CompletionException(new EOFException("connection closed before a response"));
                    }
                    return parseStatusLine(new String(bytes, ISO_8859_1));
                })
                .thenCompose(head -> HeaderSectionReader.read(conn, limits.maxHeaderBytes(),
                        limits.maxHeaderCount(), head.headers()).thenApply(h -> head))
                .handle((head, failure) -> {
                    if (failure == null) {
                        return head;
                    }
                    Throwable e = Failures.unwrap(failure);
                    if (e instanceof LimitOverrunException) {
                        throw Failures.fail(400, "status line longer than " + limits.maxStartLineBytes() + " bytes");
                    }
                    throw new CompletionException(e);
                })
                .thenCompose(head -> {
                    if (head.status() >= 200 || head.status() == 101) {
                        return AsyncFuture.completed(head);
                    }
                    if (interimLeft == 0) {
                        throw Failures.fail(400, "too many interim responses");
                    }
                    return readHead(conn, limits, interimLeft - 1);
                });
    }

    /**
     * Decides how the body of a response to a {@code requestMethod} request is framed (RFC 9112 §6.3): none for
     * HEAD, 1xx, 204 and 304; chunked when {@code Transfer-Encoding} ends with chunked; until the connection
     * closes for another transfer coding; else {@code Content-Length}; else until the connection closes.
     *
     * @param head          the response head
     * @param requestMethod the method of the request it answers
     * @return the framing
     * @throws HttpException 400 for a malformed or conflicting {@code Content-Length}
     */
    public static BodyFraming framing(ResponseHead head, String requestMethod) throws HttpException {
        int status = head.status();
        if (requestMethod.equals("HEAD") || status < 200 || status == 204 || status == 304) {
            return BodyFraming.NONE;
        }
        HttpHeaders h = head.headers();
        if (h.contains("Transfer-Encoding")) {
            List<String> codings = h.listValues("Transfer-Encoding");
            boolean chunkedLast = !codings.isEmpty()
                    && codings.get(codings.size() - 1).equalsIgnoreCase("chunked");
            if (chunkedLast && codings.size() == 1) {
                return BodyFraming.CHUNKED;
            }
            return BodyFraming.UNTIL_CLOSE;  // a coding we do not decode: pass the bytes through as they come
        }
        long length = RequestReader.contentLength(h);
        return length < 0 ? BodyFraming.UNTIL_CLOSE : BodyFraming.ofLength(length);
    }

    private static ResponseHead parseStatusLine(String line) {
        // status-line = HTTP-version SP status-code SP [ reason-phrase ]; a missing last SP is tolerated
        int sp1 = line.indexOf(' ');
        HttpVersion version = sp1 < 0 ? null : HttpVersion.parse(line.substring(0, sp1));
        if (version == null || line.length() < sp1 + 4) {
            throw Failures.fail(400, "malformed status line");
        }
        String code = line.substring(sp1 + 1, sp1 + 4);
        if (!code.chars().allMatch(c -> c >= '0' && c <= '9') || code.charAt(0) == '0'
                || (line.length() > sp1 + 4 && line.charAt(sp1 + 4) != ' ')) {
            throw Failures.fail(400, "malformed status line");
        }
        if (version.major() != 1) {
            throw Failures.fail(505, version + " is not supported");
        }
        String reason = line.length() > sp1 + 5 ? line.substring(sp1 + 5) : "";
        if (!Tokens.isFieldValue(reason)) {
            throw Failures.fail(400, "malformed reason phrase");
        }
        return new ResponseHead(version, Integer.parseInt(code), reason, new HttpHeaders());
    }
}
