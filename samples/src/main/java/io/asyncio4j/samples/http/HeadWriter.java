package io.asyncio4j.samples.http;

import java.time.Instant;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

/**
 * Encodes message heads: a response's status line, {@code Date} and header fields, or a request's request line
 * and header fields, each line ending in CRLF and the head in a blank line. Field values are checked so that no
 * CR or LF can split the head.
 */
public final class HeadWriter {

    private HeadWriter() {
    }

    /**
     * Encodes {@code HTTP/1.1 <status> <reason>}, {@code Date: <now>}, then {@code headers} in order.
     *
     * @param status  the status code
     * @param headers the fields after {@code Date}
     * @param now     the value of {@code Date}
     * @return the head's bytes
     * @throws IllegalArgumentException if a field name is not a token or a value holds a control character
     */
    public static byte[] response(int status, HttpHeaders headers, Instant now) {
        StringBuilder s = new StringBuilder(128 + headers.size() * 32);
        s.append("HTTP/1.1 ").append(status).append(' ').append(HttpStatus.reason(status)).append("\r\n");
        s.append("Date: ").append(HttpDate.format(now)).append("\r\n");
        return fields(s, headers);
    }

    /**
     * Encodes {@code <method> <target> HTTP/1.1}, then {@code headers} in order.
     *
     * @param method  the method token
     * @param target  the request target (origin-form: {@code /path?query})
     * @param headers the fields, {@code Host} among them
     * @return the head's bytes
     * @throws IllegalArgumentException if the method, target or a field is malformed
     */
    public static byte[] request(String method, String target, HttpHeaders headers) {
        if (!Tokens.isToken(method) || !Tokens.isTarget(target)) {
            throw new IllegalArgumentException("malformed request line: " + method + " " + target);
        }
        StringBuilder s = new StringBuilder(64 + headers.size() * 32);
        s.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        return fields(s, headers);
    }

    private static byte[] fields(StringBuilder s, HttpHeaders headers) {
        headers.forEach((name, value) -> {
            if (!Tokens.isToken(name) || !Tokens.isFieldValue(value)) {
                throw new IllegalArgumentException("malformed header field: " + name);
            }
            s.append(name).append(": ").append(value).append("\r\n");
        });
        return s.append("\r\n").toString().getBytes(ISO_8859_1);
    }
}
