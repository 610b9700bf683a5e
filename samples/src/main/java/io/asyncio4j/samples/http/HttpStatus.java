package io.asyncio4j.samples.http;

import java.util.Map;

/** Reason phrases of the status codes the samples send (RFC 9110 §15). */
public final class HttpStatus {

    private static final Map<Integer, String> REASONS = Map.ofEntries(
            Map.entry(100, "Continue"), Map.entry(200, "OK"), Map.entry(204, "No Content"),
            Map.entry(206, "Partial Content"), Map.entry(301, "Moved Permanently"), Map.entry(304, "Not Modified"),
            Map.entry(400, "Bad Request"), Map.entry(403, "Forbidden"), Map.entry(404, "Not Found"),
            Map.entry(405, "Method Not Allowed"), Map.entry(408, "Request Timeout"),
            Map.entry(413, "Content Too Large"), Map.entry(414, "URI Too Long"),
            Map.entry(416, "Range Not Satisfiable"), Map.entry(431, "Request Header Fields Too Large"),
            Map.entry(500, "Internal Server Error"), Map.entry(501, "Not Implemented"),
            Map.entry(503, "Service Unavailable"), Map.entry(505, "HTTP Version Not Supported"));

    private HttpStatus() {
    }

    /**
     * Returns the reason phrase of {@code status}.
     *
     * @param status the status code
     * @return its phrase, or {@code "Unknown"}
     */
    public static String reason(int status) {
        return REASONS.getOrDefault(status, "Unknown");
    }
}
