package io.asyncio4j.nio;

import io.asyncio4j.IncompleteReadException;

import java.nio.ByteBuffer;

/** {@code readExactly(n)}: n bytes, or {@link IncompleteReadException} with the bytes there were at the end. */
final class ExactRead extends PendingRead<byte[]> {

    private final int n;

    ExactRead(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must not be negative: " + n);
        }
        this.n = n;
    }

    @Override
    boolean claim(InboundBuffer in, boolean eof, Throwable streamFailure) {
        if (in.size() >= n) {
            byte[] b = in.take(n);
            return succeed(b, ByteBuffer.wrap(b));
        }
        if (streamFailure != null) {
            return fail(streamFailure, null);
        }
        if (eof) {
            byte[] partial = in.take((int) in.size());
            return fail(new IncompleteReadException(partial, n), ByteBuffer.wrap(partial));
        }
        return false;
    }
}
