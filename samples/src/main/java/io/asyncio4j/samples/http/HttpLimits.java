package io.asyncio4j.samples.http;

/**
 * The mandatory bounds of the HTTP/1.1 codec: every read it makes is limited by one of these.
 *
 * <p>Defaults: request or status line 8 KiB (beyond: 414 for a request), header section 16 KiB and 100 fields
 * (beyond: 431), chunk-size line 1 KiB, body 1 MiB (beyond: 413). Each {@code with} method returns a copy.
 *
 * @param maxStartLineBytes  the most bytes of the request line or status line, CRLF included
 * @param maxHeaderBytes     the most bytes of the header section (every field line and the blank line)
 * @param maxHeaderCount     the most header fields
 * @param maxChunkLineBytes  the most bytes of a chunk-size line, extensions and CRLF included
 * @param maxBodyBytes       the most body bytes (after chunked decoding)
 */
public record HttpLimits(int maxStartLineBytes, int maxHeaderBytes, int maxHeaderCount, int maxChunkLineBytes,
                         long maxBodyBytes) {

    private static final HttpLimits DEFAULTS = new HttpLimits(8 * 1024, 16 * 1024, 100, 1024, 1024 * 1024);

    /**
     * Checks the bounds.
     *
     * @param maxStartLineBytes the most bytes of the request line or status line, CRLF included
     * @param maxHeaderBytes    the most bytes of the header section
     * @param maxHeaderCount    the most header fields
     * @param maxChunkLineBytes the most bytes of a chunk-size line
     * @param maxBodyBytes      the most body bytes
     * @throws IllegalArgumentException if a bound is not positive (the body bound may be zero)
     */
    public HttpLimits {
        if (maxStartLineBytes <= 0 || maxHeaderBytes <= 0 || maxHeaderCount <= 0 || maxChunkLineBytes <= 0
                || maxBodyBytes < 0) {
            throw new IllegalArgumentException("HTTP limits must be positive: " + maxStartLineBytes + ", "
                    + maxHeaderBytes + ", " + maxHeaderCount + ", " + maxChunkLineBytes + ", " + maxBodyBytes);
        }
    }

    /**
     * Returns the default limits.
     *
     * @return the defaults
     */
    public static HttpLimits defaults() {
        return DEFAULTS;
    }

    /**
     * @param bytes the most bytes of a request or status line
     * @return a copy with that bound
     */
    public HttpLimits withMaxStartLineBytes(int bytes) {
        return new HttpLimits(bytes, maxHeaderBytes, maxHeaderCount, maxChunkLineBytes, maxBodyBytes);
    }

    /**
     * @param bytes the most bytes of the header section
     * @param count the most header fields
     * @return a copy with those bounds
     */
    public HttpLimits withMaxHeaders(int bytes, int count) {
        return new HttpLimits(maxStartLineBytes, bytes, count, maxChunkLineBytes, maxBodyBytes);
    }

    /**
     * @param bytes the most body bytes
     * @return a copy with that bound
     */
    public HttpLimits withMaxBodyBytes(long bytes) {
        return new HttpLimits(maxStartLineBytes, maxHeaderBytes, maxHeaderCount, maxChunkLineBytes, bytes);
    }
}
