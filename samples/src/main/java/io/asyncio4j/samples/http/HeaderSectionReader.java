package io.asyncio4j.samples.http;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.Connection;
import io.asyncio4j.FrameDecoder;

import java.io.EOFException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

/**
 * Reads a header (or trailer) section, field line by field line, up to its blank line (RFC 9112 §5), as one
 * {@link Connection#readFrame framed read}: the lines are parsed straight from the connection's buffer.
 *
 * <p>A line ends at LF, a CR just before it stripped; each line counts against the section's byte budget with two
 * bytes for its terminator, and must end within what is left of the budget.
 */
final class HeaderSectionReader {

    private HeaderSectionReader() {
    }

    /**
     * Reads field lines into {@code into} until the blank line, then returns {@code finish} applied to them (run
     * as part of the read, so a check there fails the read). Fails with {@link HttpException} 431 beyond
     * {@code maxBytes} or {@code maxCount}, 400 for a malformed line, {@link EOFException} if the stream ends
     * first.
     */
    static <T> AsyncFuture<T> read(Connection conn, int maxBytes, int maxCount, HttpHeaders into,
                                   Function<HttpHeaders, T> finish) {
        // The decoder answers 431 before the read's own limit is reached: its budget counts at least every byte.
        return conn.readFrame(new Decoder<>(maxBytes, maxCount, into, finish), maxBytes);
    }

    /** Reads field lines into {@code into} until the blank line, as the other {@code read}. */
    static AsyncFuture<HttpHeaders> read(Connection conn, int maxBytes, int maxCount, HttpHeaders into) {
        return read(conn, maxBytes, maxCount, into, Function.identity());
    }

    /**
     * Parses the lines offered so far and remembers where it stopped: the connection offers the same bytes again,
     * and more, until the section is complete, and each line is parsed once. Field lines go into the header map
     * as they are parsed, so a decoder that returned {@code null} leaves a partial map behind.
     */
    static final class Decoder<T> implements FrameDecoder<T> {
        private final int maxBytes;
        private final int maxCount;
        private final HttpHeaders into;
        private final Function<HttpHeaders, T> finish;
        /** Bytes of the section parsed so far, from the start of the buffer offered. */
        private int parsed;
        private int budget;

        Decoder(int maxBytes, int maxCount, HttpHeaders into, Function<HttpHeaders, T> finish) {
            this.maxBytes = maxBytes;
            this.maxCount = maxCount;
            this.into = into;
            this.finish = finish;
            this.budget = maxBytes;
        }

        @Override
        public T decode(ByteBuffer buffered, boolean endOfStream) {
            int start = buffered.position();
            int end = buffered.limit();
            int pos = start + parsed;
            while (true) {
                if (budget <= 0) {
                    throw tooLarge();
                }
                int lf = Lines.indexOfLf(buffered, pos, (int) Math.min(end, (long) pos + budget));
                if (lf < 0) {
                    if (end - pos >= budget) {
                        throw tooLarge();
                    }
                    if (!endOfStream) {
                        return null;
                    }
                    if (end > pos) {
                        addField(Lines.bytes(buffered, pos, end), into, maxCount); // a last line without its LF
                    }
                    throw new CompletionException(new EOFException("connection closed in the header section"));
                }
                int lineEnd = Lines.stripCr(buffered, pos, lf);
                budget -= lineEnd - pos + 2;  // counted with its CRLF
                if (lineEnd == pos) {
                    buffered.position(lf + 1);  // the blank line ends the section
                    return finish.apply(into);
                }
                addField(Lines.bytes(buffered, pos, lineEnd), into, maxCount);
                pos = lf + 1;
                parsed = pos - start;
            }
        }

        private CompletionException tooLarge() {
            return Failures.fail(431, "header section larger than " + maxBytes + " bytes");
        }
    }

    /** Parses a field line (not empty): its bytes, copied once from the buffer, become the name and value. */
    private static void addField(byte[] b, HttpHeaders into, int maxCount) {
        if (isOws(b[0])) {
            throw Failures.fail(400, "obsolete line folding in the header section");
        }
        int colon = 0;
        while (colon < b.length && b[colon] != ':') {
            colon++;
        }
        if (colon == 0 || colon == b.length) {
            throw Failures.fail(400, "header field without a name and colon");
        }
        if (!Tokens.isToken(b, 0, colon)) {
            throw Failures.fail(400, "invalid header field name");
        }
        String name = Tokens.knownOrText(b, 0, colon);
        int valueStart = colon + 1;
        int valueEnd = b.length;
        while (valueStart < valueEnd && isOws(b[valueStart])) {
            valueStart++;
        }
        while (valueEnd > valueStart && isOws(b[valueEnd - 1])) {
            valueEnd--;
        }
        if (!Tokens.isFieldValue(b, valueStart, valueEnd)) {
            throw Failures.fail(400, "invalid character in header field " + name);
        }
        if (into.size() >= maxCount) {
            throw Failures.fail(431, "more than " + maxCount + " header fields");
        }
        into.add(name, new String(b, valueStart, valueEnd - valueStart, ISO_8859_1));
    }

    private static boolean isOws(byte c) {
        return c == ' ' || c == '\t';
    }
}
