package io.asyncio4j.nio;

import io.asyncio4j.LimitOverrunException;

import java.nio.ByteBuffer;

/** {@code readToEnd(limit)}: every byte until the end of the stream, at most limit of them. */
final class ToEndRead extends PendingRead<byte[]> {

    private final int limit;

    ToEndRead(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative: " + limit);
        }
        this.limit = limit;
    }

    @Override
    boolean claim(InboundBuffer in, boolean eof, Throwable streamFailure) {
        long size = in.size();
        if (size > limit) {
            return fail(new LimitOverrunException("more than " + limit + " bytes before the end of the stream",
                    size, limit), null);
        }
        if (streamFailure != null) {
            return fail(streamFailure, null);
        }
        if (!eof) {
            return false;
        }
        byte[] all = in.take((int) size);
        return succeed(all, ByteBuffer.wrap(all));
    }
}
