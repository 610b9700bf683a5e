package io.asyncio4j.nio;

import io.asyncio4j.IncompleteReadException;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * {@code skip(n)}: drops exactly n bytes once they are all buffered, without copying them. Until then it holds
 * them, as {@code readExactly} does, so that a give-up before the delivery puts every one of them back.
 */
final class SkipRead extends PendingRead<Void> {

    private final long n;
    /** The chunks the claim removed, in stream order, to push back if a give-up beats the delivery. */
    private ByteBuffer[] dropped;
    private int droppedCount;

    SkipRead(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must not be negative: " + n);
        }
        this.n = n;
    }

    @Override
    boolean claim(InboundBuffer in, boolean eof, Throwable streamFailure) {
        if (in.size() >= n) {
            long left = n;
            while (left > 0) {
                ByteBuffer chunk = in.takeUpTo((int) Math.min(left, Integer.MAX_VALUE));
                keep(chunk);
                left -= chunk.remaining();
            }
            return succeed(null, null);
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

    private void keep(ByteBuffer chunk) {
        if (dropped == null) {
            dropped = new ByteBuffer[4];
        } else if (droppedCount == dropped.length) {
            dropped = Arrays.copyOf(dropped, droppedCount * 2);
        }
        dropped[droppedCount++] = chunk;
    }

    @Override
    void restore(InboundBuffer in) {
        for (int i = droppedCount - 1; i >= 0; i--) {
            in.pushFront(dropped[i]);
        }
        super.restore(in);
    }
}
