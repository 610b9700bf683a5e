package io.asyncio4j.samples.http;

/**
 * A parsed status line and header section.
 *
 * @param version the protocol version
 * @param status  the three-digit status code
 * @param reason  the reason phrase, possibly empty
 * @param headers the header fields
 */
public record ResponseHead(HttpVersion version, int status, String reason, HttpHeaders headers) {

    /**
     * Returns the status line as received, without CRLF.
     *
     * @return {@code HTTP/1.1 200 OK}
     */
    public String statusLine() {
        return version + " " + status + (reason.isEmpty() ? "" : " " + reason);
    }
}
