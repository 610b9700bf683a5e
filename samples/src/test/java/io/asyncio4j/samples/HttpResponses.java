package io.asyncio4j.samples;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** A strict reader of one HTTP/1.1 response with a Content-Length body, for the load tests. */
final class HttpResponses {

    private HttpResponses() {
    }

    /** @return whether {@code bytes} hold a whole head and the whole body its Content-Length announces */
    static boolean complete(byte[] bytes) {
        int headEnd = headEnd(bytes);
        if (headEnd < 0) {
            return false;
        }
        long length = contentLength(new String(bytes, 0, headEnd, StandardCharsets.ISO_8859_1));
        return length >= 0 && bytes.length >= headEnd + 4 + length;
    }

    /** Checks {@code bytes} are exactly one 200 response, kept alive, with {@code body}. */
    static void assertOk(byte[] bytes, byte[] body, String what) {
        int headEnd = headEnd(bytes);
        if (headEnd < 0) {
            fail(what + ": no complete head in " + new String(bytes, StandardCharsets.ISO_8859_1));
        }
        String head = new String(bytes, 0, headEnd, StandardCharsets.ISO_8859_1);
        String[] lines = head.split("\r\n", -1);
        assertThat(lines[0]).as(what).isEqualTo("HTTP/1.1 200 OK");
        for (int i = 1; i < lines.length; i++) {
            assertThat(lines[i]).as(what + ": field line").matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+: [\\x20-\\x7e]*");
            assertThat(lines[i].toLowerCase(Locale.ROOT)).as(what).doesNotStartWith("connection: close");
        }
        assertThat(contentLength(head)).as(what + ": Content-Length").isEqualTo(body.length);
        assertThat(Arrays.copyOfRange(bytes, headEnd + 4, bytes.length)).as(what + ": body").isEqualTo(body);
    }

    private static int headEnd(byte[] b) {
        for (int i = 0; i + 3 < b.length; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static long contentLength(String head) {
        long length = -1;
        for (String line : head.split("\r\n")) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                if (length >= 0) {
                    fail("two Content-Length fields in " + head);
                }
                length = Long.parseLong(line.substring(15).trim());
            }
        }
        return length;
    }
}
