package io.asyncio4j.samples.http;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.Connection;
import io.asyncio4j.FrameDecoder;

import java.io.EOFException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

/**
 * Reads HTTP/1.x request heads from a {@link Connection} (RFC 9112 §3, §5) and decides how their bodies are
 * framed (§6.3), every read bounded by {@link HttpLimits}.
 *
 * <p>Failures are {@link HttpException}s carrying the status to answer: 414 for a request line over its limit,
 * 431 for a header section over its byte or field limit, 505 for a major version other than 1, 400 for anything
 * malformed (including a missing or repeated {@code Host} in HTTP/1.1, or a {@code Host} value that is not a
 * host and optional port). A request of HTTP/1.x with x above 1 is read as HTTP/1.1 (RFC 9110 §2.5). A stream
 * that ends inside a head fails with {@link EOFException}. The futures complete on the connection's executor.
 */
public final class RequestReader {

    /** Empty lines tolerated before a request line (RFC 9112 §2.2 asks to ignore at least one). */
    private static final int MAX_LEADING_EMPTY_LINES = 4;

    /**
     * The start decoder of the limits last used: it keeps no state between reads, so a server's connections share
     * one instead of making one per request.
     */
    private static volatile StartDecoder lastStartDecoder;

    private RequestReader() {
    }

    /**
     * Reads a request line and its header section.
     *
     * @param conn   the connection
     * @param limits the bounds
     * @return a future of the head, or of {@code null} if the stream ended cleanly before a request began
     */
    public static AsyncFuture<RequestHead> readHead(Connection conn, HttpLimits limits) {
        return readStart(conn, limits).thenCompose(start -> start == null ? AsyncFuture.completed(null)
                : start.complete() ? AsyncFuture.completed(start.head()) : readHeaders(conn, limits, start.head()));
    }

    /**
     * The first read of a request: its request line and, when the whole header section had arrived with it (as
     * it nearly always has), the header section too.
     *
     * @param head     the head: with its header fields if {@code complete}, else with an empty header map
     * @param complete whether the header section was read; if not, {@link #readHeaders} reads it
     */
    public record Start(RequestHead head, boolean complete) {
    }

    /**
     * Reads a request line, and its header section as well if that is already there: one read for the whole head
     * of a request that arrived in one piece, while a server can still time the wait for a request apart from the
     * wait for a header section that arrives later ({@link #readHeaders}). Failures are those of {@link #readHead}.
     *
     * @param conn   the connection
     * @param limits the bounds
     * @return a future of the start, or of {@code null} at a clean end of the stream
     */
    public static AsyncFuture<Start> readStart(Connection conn, HttpLimits limits) {
        int limit = limits.maxStartLineBytes();
        StartDecoder decoder = lastStartDecoder;
        if (decoder == null || decoder.limits != limits) {
            decoder = new StartDecoder(limits);
            lastStartDecoder = decoder;
        }
        // The decoders answer 414 or 431 before the read's own limit is reached.
        return conn.readFrame(decoder, MAX_LEADING_EMPTY_LINES * 2 + limit + limits.maxHeaderBytes());
    }

    /**
     * Reads the header section that follows {@code line} into its header map and checks {@code Host}.
     *
     * @param conn   the connection
     * @param limits the bounds
     * @param line   the head of a {@link Start} that is not complete
     * @return a future of the same head, its headers filled in
     */
    public static AsyncFuture<RequestHead> readHeaders(Connection conn, HttpLimits limits, RequestHead line) {
        return HeaderSectionReader.read(conn, limits.maxHeaderBytes(), limits.maxHeaderCount(), line.headers(),
                headers -> {
                    checkHost(headers, line.version());
                    return line;
                });
    }

    private static void checkHost(HttpHeaders headers, HttpVersion version) {
        int hosts = headers.count("Host");
        if (hosts > 1) {
            throw Failures.fail(400, "more than one Host header field");
        }
        if (hosts == 0 && version.minor() >= 1) {
            throw Failures.fail(400, "HTTP/1.1 request without a Host header field");
        }
        if (hosts == 1 && !Tokens.isHost(headers.get("Host"))) {
            throw Failures.fail(400, "invalid Host header field value");  // RFC 9112 §3.2
        }
    }

    /**
     * The request line, then the header section if it is complete in the same bytes. Holds no state between
     * calls (each call parses the section afresh), so one instance serves any number of reads.
     */
    private static final class StartDecoder implements FrameDecoder<Start> {
        private final HttpLimits limits;
        private final RequestLineDecoder line;

        StartDecoder(HttpLimits limits) {
            this.limits = limits;
            this.line = new RequestLineDecoder(limits.maxStartLineBytes());
        }

        @Override
        public Start decode(ByteBuffer buffered, boolean endOfStream) {
            RequestHead head = line.decode(buffered, endOfStream);
            if (head == null) {
                return null;
            }
            // From the end of the request line; a null result consumes nothing more (the line alone, below).
            HttpHeaders headers = new HeaderSectionReader.Decoder<>(limits.maxHeaderBytes(),
                    limits.maxHeaderCount(), head.headers(), Function.identity()).decode(buffered, endOfStream);
            if (headers == null) {
                head.headers().clear();  // the fields parsed so far are parsed again by readHeaders
                return new Start(head, false);  // the header section comes later: consume the line only
            }
            checkHost(headers, head.version());
            return new Start(head, true);
        }
    }

    private static CompletionException tooLong(int limit) {
        return Failures.fail(414, "request line longer than " + limit + " bytes");
    }

    /**
     * The request line, after at most {@link #MAX_LEADING_EMPTY_LINES} empty lines: a line ends at LF (a CR
     * before it stripped) within {@code limit} bytes, terminator included. At the end of the stream, nothing
     * left is a clean end ({@code null}) and an unterminated rest is taken as the line.
     */
    private static final class RequestLineDecoder implements FrameDecoder<RequestHead> {
        private final int limit;

        RequestLineDecoder(int limit) {
            this.limit = limit;
        }

        @Override
        public RequestHead decode(ByteBuffer buffered, boolean endOfStream) {
            int pos = buffered.position();
            int end = buffered.limit();
            for (int empty = 0; ; empty++) {
                int lf = Lines.indexOfLf(buffered, pos, (int) Math.min(end, (long) pos + limit));
                if (lf < 0) {
                    if (end - pos >= limit) {
                        throw tooLong(limit);
                    }
                    if (!endOfStream) {
                        return null;
                    }
                    buffered.position(end);
                    return end == pos ? null : parseRequestLine(Lines.bytes(buffered, pos, end));
                }
                int lineEnd = Lines.stripCr(buffered, pos, lf);
                if (lineEnd > pos || empty == MAX_LEADING_EMPTY_LINES) {
                    buffered.position(lf + 1);
                    return parseRequestLine(Lines.bytes(buffered, pos, lineEnd));
                }
                pos = lf + 1;
            }
        }
    }

    /**
     * Decides how the body of {@code head} is framed (RFC 9112 §6.3 for requests): chunked when
     * {@code Transfer-Encoding} ends with {@code chunked}, else {@code Content-Length}, else no body.
     *
     * @param head the request head
     * @return the framing
     * @throws HttpException 400 when both {@code Transfer-Encoding} and {@code Content-Length} are present, when
     *                       {@code Content-Length} is malformed or repeated with different values, when
     *                       {@code chunked} is not the final coding or an HTTP/1.0 request carries
     *                       {@code Transfer-Encoding}; 501 for a transfer coding other than chunked. The
     *                       connection is to be closed after answering.
     */
    public static BodyFraming framing(RequestHead head) throws HttpException {
        HttpHeaders h = head.headers();
        if (h.contains("Transfer-Encoding")) {
            if (h.contains("Content-Length")) {
                throw new HttpException(400, "both Transfer-Encoding and Content-Length");
            }
            if (head.version().minor() == 0) {
                throw new HttpException(400, "Transfer-Encoding in an HTTP/1.0 request");
            }
            List<String> codings = h.listValues("Transfer-Encoding");
            for (int i = 0; i < codings.size(); i++) {
                boolean chunked = codings.get(i).equalsIgnoreCase("chunked");
                if (chunked && i == codings.size() - 1) {
                    return BodyFraming.CHUNKED;
                }
                if (chunked) {
                    throw new HttpException(400, "chunked is not the final transfer coding");
                }
                throw new HttpException(501, "transfer coding not implemented: " + codings.get(i));
            }
            throw new HttpException(400, "empty Transfer-Encoding");
        }
        long length = contentLength(h);
        return length < 0 ? BodyFraming.NONE : BodyFraming.ofLength(length);
    }

    /**
     * Returns the value of {@code Content-Length}: repeated fields and list values must all be equal.
     *
     * @return the length, or -1 if the field is absent
     * @throws HttpException 400 if malformed or conflicting
     */
    static long contentLength(HttpHeaders h) throws HttpException {
        if (!h.contains("Content-Length")) {
            return -1;
        }
        long length = -1;
        for (String element : h.getAll("Content-Length")) {
            for (String value : element.split(",", -1)) {
                long parsed = parseLength(Tokens.trimOws(value));
                if (length >= 0 && parsed != length) {
                    throw new HttpException(400, "conflicting Content-Length values");
                }
                length = parsed;
            }
        }
        return length;
    }

    private static long parseLength(String digits) throws HttpException {
        if (digits.isEmpty() || digits.length() > 18) {
            throw new HttpException(400, "invalid Content-Length");
        }
        long n = 0;
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                throw new HttpException(400, "invalid Content-Length");
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    /** Parses a request line: its bytes, copied once from the buffer, become the method and target. */
    private static RequestHead parseRequestLine(byte[] b) {
        int sp1 = indexOfSpace(b, 0);
        int sp2 = sp1 < 0 ? -1 : indexOfSpace(b, sp1 + 1);
        if (sp1 <= 0 || sp2 < 0 || indexOfSpace(b, sp2 + 1) >= 0) {
            throw Failures.fail(400, "malformed request line");
        }
        HttpVersion version = HttpVersion.parse(b, sp2 + 1, b.length);
        if (!Tokens.isToken(b, 0, sp1) || !Tokens.isTarget(b, sp1 + 1, sp2) || version == null) {
            throw Failures.fail(400, "malformed request line");
        }
        if (version.major() == 1 && version.minor() > 1) {
            version = HttpVersion.HTTP_1_1;  // a later minor version is processed as ours (RFC 9110 §2.5)
        }
        if (!version.isSupported()) {
            throw Failures.fail(505, version + " is not supported");
        }
        String target = new String(b, sp1 + 1, sp2 - sp1 - 1, ISO_8859_1);
        return new RequestHead(Tokens.knownOrText(b, 0, sp1), target, version, new HttpHeaders());
    }

    private static int indexOfSpace(byte[] b, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == ' ') {
                return i;
            }
        }
        return -1;
    }
}
