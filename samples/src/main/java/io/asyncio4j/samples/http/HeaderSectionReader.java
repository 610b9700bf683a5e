package io.asyncio4j.samples.http;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.Connection;
import io.asyncio4j.LimitOverrunException;
import io.asyncio4j.combinators.Async;

import java.io.EOFException;
import java.util.concurrent.CompletionException;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

/** Reads a header (or trailer) section, field line by field line, up to its blank line (RFC 9112 §5). */
final class HeaderSectionReader {

    private HeaderSectionReader() {
    }

    /**
     * Reads field lines into {@code into} until the blank line. Fails with {@link HttpException} 431 beyond
     * {@code maxBytes} or {@code maxCount}, 400 for a malformed line, {@link EOFException} if the stream ends
     * first.
     */
    static AsyncFuture<HttpHeaders> read(Connection conn, int maxBytes, int maxCount, HttpHeaders into) {
        int[] budget = {maxBytes};
        return Async.whileTrue(() -> {
            if (budget[0] <= 0) {
                throw Failures.fail(431, "header section larger than " + maxBytes + " bytes");
            }
            return conn.readLine(budget[0]).thenApply(bytes -> {
                if (bytes == null) {
                    throw new CompletionException(new EOFException("connection closed in the header section"));
                }
                budget[0] -= bytes.length + 2;  // counted with its CRLF
                if (bytes.length == 0) {
                    return false;               // the blank line ends the section
                }
                addField(new String(bytes, ISO_8859_1), into, maxCount);
                return true;
            });
        }).handle((done, failure) -> {
            if (failure == null) {
                return into;
            }
            Throwable e = Failures.unwrap(failure);
            if (e instanceof LimitOverrunException) {
                throw Failures.fail(431, "header section larger than " + maxBytes + " bytes");
            }
            throw new CompletionException(e);
        });
    }

    private static void addField(String line, HttpHeaders into, int maxCount) {
        if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
            throw Failures.fail(400, "obsolete line folding in the header section");
        }
        int colon = line.indexOf(':');
        if (colon <= 0) {
            throw Failures.fail(400, "header field without a name and colon");
        }
        String name = line.substring(0, colon);
        if (!Tokens.isToken(name)) {
            throw Failures.fail(400, "invalid header field name");
        }
        String value = Tokens.trimOws(line.substring(colon + 1));
        if (!Tokens.isFieldValue(value)) {
            throw Failures.fail(400, "invalid character in header field " + name);
        }
        if (into.size() >= maxCount) {
            throw Failures.fail(431, "more than " + maxCount + " header fields");
        }
        into.add(name, value);
    }
}
