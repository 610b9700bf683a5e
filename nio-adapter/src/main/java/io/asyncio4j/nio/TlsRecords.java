package io.asyncio4j.nio;

import java.nio.ByteBuffer;

/**
 * The TLS record header, read before the engine is given bytes: the engine decrypts whole records only, and a
 * partial one costs it a failed attempt, so the layer waits until the record the header announces is all there.
 */
final class TlsRecords {

    /** Header: content type, version (2 bytes), length (2 bytes). */
    static final int HEADER = 5;
    /** The longest record a peer may send: 2^14 bytes of plaintext, grown by at most 2048 by protection. */
    static final int MAX_RECORD = HEADER + 16384 + 2048;

    private TlsRecords() {
    }

    /**
     * How many bytes the record at {@code buf}'s position spans, header included: {@code 0} while fewer than
     * {@link #HEADER} bytes are there, and {@code -1} when the bytes are no TLS record header (an SSLv2 hello,
     * plaintext, a length beyond the limit): those go to the engine as they are, for it to refuse or take.
     */
    static int length(ByteBuffer buf) {
        int p = buf.position();
        if (buf.remaining() < HEADER) {
            return 0;
        }
        int type = buf.get(p) & 0xff;
        int major = buf.get(p + 1) & 0xff;
        int length = ((buf.get(p + 3) & 0xff) << 8) | (buf.get(p + 4) & 0xff);
        if (type < 20 || type > 24 || major != 3 || HEADER + length > MAX_RECORD) {
            return -1;
        }
        return HEADER + length;
    }
}
