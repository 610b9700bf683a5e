package io.asyncio4j.samples.http;

/**
 * A parsed request line and header section.
 *
 * @param method  the method token, case-sensitive ({@code GET})
 * @param target  the request target as sent ({@code /index.html?x=1}), not decoded
 * @param version the protocol version, 1.0 or 1.1
 * @param headers the header fields
 */
public record RequestHead(String method, String target, HttpVersion version, HttpHeaders headers) {

    /**
     * Returns whether the client wants the connection kept open after the response (RFC 9112 §9.3): HTTP/1.1
     * unless {@code Connection: close}, HTTP/1.0 only with {@code Connection: keep-alive}.
     *
     * @return {@code true} to keep the connection
     */
    public boolean keepAlive() {
        if (headers.containsToken("Connection", "close")) {
            return false;
        }
        return version.minor() >= 1 || headers.containsToken("Connection", "keep-alive");
    }
}
