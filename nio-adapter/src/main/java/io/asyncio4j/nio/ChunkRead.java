package io.asyncio4j.nio;

import java.nio.ByteBuffer;

/** {@code read(max)}: whatever is buffered, up to max, sharing the received chunk; an empty buffer at the end. */
final class ChunkRead extends PendingRead<ByteBuffer> {

    private final int max;

    ChunkRead(int max) {
        if (max <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive: " + max);
        }
        this.max = max;
    }

    @Override
    boolean claim(InboundBuffer in, boolean eof, Throwable streamFailure) {
        if (in.size() > 0) {
            ByteBuffer b = in.takeUpTo(max);
            return succeed(b, b); // handed out only if delivered; put back only if not
        }
        if (streamFailure != null) {
            return fail(streamFailure, null);
        }
        return eof && succeed(ByteBuffer.allocate(0), null);
    }
}
