package io.asyncio4j.samples.http;

/**
 * How a message body is delimited on the wire (RFC 9112 §6.3): not at all, by a length, by chunked coding, or
 * by the end of the connection.
 *
 * @param kind   the delimiting method
 * @param length the body length for {@link Kind#LENGTH}, else -1
 */
public record BodyFraming(Kind kind, long length) {

    /** No body. */
    public static final BodyFraming NONE = new BodyFraming(Kind.LENGTH, 0);
    /** Chunked transfer coding. */
    public static final BodyFraming CHUNKED = new BodyFraming(Kind.CHUNKED, -1);
    /** The body runs until the peer closes (responses only). */
    public static final BodyFraming UNTIL_CLOSE = new BodyFraming(Kind.UNTIL_CLOSE, -1);

    /** The delimiting methods. */
    public enum Kind {
        /** {@code Content-Length} bytes (zero for no body). */
        LENGTH,
        /** {@code Transfer-Encoding: chunked}. */
        CHUNKED,
        /** Until the end of the connection. */
        UNTIL_CLOSE
    }

    /**
     * Returns the framing of a body of exactly {@code length} bytes.
     *
     * @param length the length, at least 0
     * @return the framing
     */
    public static BodyFraming ofLength(long length) {
        return length == 0 ? NONE : new BodyFraming(Kind.LENGTH, length);
    }

    /**
     * Returns whether there is no body at all.
     *
     * @return {@code true} for a zero length
     */
    public boolean isEmpty() {
        return kind == Kind.LENGTH && length == 0;
    }
}
