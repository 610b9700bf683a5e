package io.asyncio4j.samples.http;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

/**
 * A plain, synchronous reading of the framing rules the codec documents, over a whole byte array: where a request
 * head ends, and what a chunked body decodes to and where it ends. The fuzz targets compare the asynchronous
 * readers with it. Lines end at LF (a CR before it is stripped) except chunk-size lines and chunk ends, which must
 * be CRLF.
 */
final class ReferenceHttp {

    private ReferenceHttp() {
    }

    /** A decoded chunked body and the offset just past its trailer section. */
    record Chunked(byte[] body, int end) {
    }

    /**
     * Returns the offset just past the blank line that ends the head starting at 0 (up to four empty lines before
     * the request line are skipped), or -1 if the input holds no such complete head. Only framing is checked.
     */
    static int headEnd(byte[] in) {
        int pos = 0;
        for (int empty = 0; empty <= 4; empty++) {
            int lf = indexOf(in, (byte) '\n', pos);
            if (lf < 0) {
                return -1;
            }
            boolean isEmpty = lf == pos || lf == pos + 1 && in[pos] == '\r';
            pos = lf + 1;
            if (!isEmpty || empty == 4) {
                break;             // that was the request line (a fifth empty one is a malformed request line)
            }
        }
        while (true) {
            int lf = indexOf(in, (byte) '\n', pos);
            if (lf < 0) {
                return -1;
            }
            boolean isEmpty = lf == pos || lf == pos + 1 && in[pos] == '\r';
            pos = lf + 1;
            if (isEmpty) {
                return pos;
            }
        }
    }

    /**
     * Decodes a chunked body starting at {@code pos} under {@code limits}; {@code null} if it is malformed, over a
     * limit, or cut short by the end of the input.
     */
    static Chunked decodeChunked(byte[] in, int pos, HttpLimits limits) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            int lf = indexOf(in, (byte) '\n', pos);
            if (lf < 0 || lf - pos + 1 > limits.maxChunkLineBytes() || lf == pos || in[lf - 1] != '\r') {
                return null;
            }
            String line = new String(in, pos, lf - 1 - pos, ISO_8859_1);
            pos = lf + 1;
            long size = 0;
            int digits = 0;
            while (digits < line.length() && Character.digit(line.charAt(digits), 16) >= 0) {
                if (size >= 1L << 59) {
                    return null;                                   // would overflow
                }
                size = size * 16 + Character.digit(line.charAt(digits), 16);
                digits++;
            }
            String ext = Tokens.trimOws(line.substring(digits));
            if (digits == 0 || !(ext.isEmpty() || ext.charAt(0) == ';') || !Tokens.isFieldValue(ext)) {
                return null;
            }
            if (size == 0) {
                int end = trailersEnd(in, pos, limits);
                return end < 0 ? null : new Chunked(body.toByteArray(), end);
            }
            if (body.size() + size > limits.maxBodyBytes() || pos + size > in.length) {
                return null;
            }
            body.write(in, pos, (int) size);
            pos += (int) size;
            if (pos + 2 > in.length || in[pos] != '\r' || in[pos + 1] != '\n') {
                return null;
            }
            pos += 2;
        }
    }

    /** The offset past the trailer section's blank line, or -1 if it is malformed or over the header limits. */
    private static int trailersEnd(byte[] in, int pos, HttpLimits limits) {
        int budget = limits.maxHeaderBytes();
        int count = 0;
        while (budget > 0) {
            int lf = indexOf(in, (byte) '\n', pos);
            if (lf < 0 || lf - pos + 1 > budget) {
                return -1;
            }
            int end = lf > pos && in[lf - 1] == '\r' ? lf - 1 : lf;
            String line = new String(in, pos, end - pos, ISO_8859_1);
            pos = lf + 1;
            budget -= line.length() + 2;
            if (line.isEmpty()) {
                return pos;
            }
            int colon = line.indexOf(':');
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t' || colon <= 0
                    || !Tokens.isToken(line.substring(0, colon))
                    || !Tokens.isFieldValue(Tokens.trimOws(line.substring(colon + 1)))
                    || ++count > limits.maxHeaderCount()) {
                return -1;
            }
        }
        return -1;
    }

    static byte[] from(byte[] in, int pos) {
        return Arrays.copyOfRange(in, pos, in.length);
    }

    private static int indexOf(byte[] in, byte b, int from) {
        for (int i = from; i < in.length; i++) {
            if (in[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
