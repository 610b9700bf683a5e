package io.asyncio4j.samples.http;

import java.nio.ByteBuffer;

/** Line scanning over a connection's buffer, for the head decoders: a line ends at LF, a CR before it stripped. */
final class Lines {

    private Lines() {
    }

    /** The index of the first LF in {@code [from, to)}, or -1. */
    static int indexOfLf(ByteBuffer b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b.get(i) == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** The end of the line {@code [from, lf)} without a CR just before the LF. */
    static int stripCr(ByteBuffer b, int from, int lf) {
        return lf > from && b.get(lf - 1) == '\r' ? lf - 1 : lf;
    }

    /** A copy of the bytes {@code [from, to)}. */
    static byte[] bytes(ByteBuffer b, int from, int to) {
        byte[] bytes = new byte[to - from];
        b.get(from, bytes);
        return bytes;
    }
}
