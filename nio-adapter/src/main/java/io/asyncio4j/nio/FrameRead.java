package io.asyncio4j.nio;

import io.asyncio4j.FrameDecoder;
import io.asyncio4j.LimitOverrunException;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * {@code readFrame(decoder, limit)}: offers the decoder everything buffered, up to the limit, as one read-only
 * contiguous view, and consumes what it advanced past once it produces a message.
 */
final class FrameRead<T> extends PendingRead<T> {

    private final FrameDecoder<T> decoder;
    private final int limit;
    /** Bytes the claim consumed from a chunk that stayed at the front; the taken bytes cover a whole chunk. */
    private int skipped;

    FrameRead(FrameDecoder<T> decoder, int limit) {
        Objects.requireNonNull(decoder, "decoder");
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        this.decoder = decoder;
        this.limit = limit;
    }

    @Override
    boolean claim(InboundBuffer in, boolean eof, Throwable streamFailure) {
        long size = in.size();
        // Not the end with limit bytes left: null is then an overrun, as it was when those bytes arrived.
        boolean end = eof && streamFailure == null && size < limit;
        if (size == 0 && !end) {
            return streamFailure != null && fail(streamFailure, null);
        }
        int n = (int) Math.min(size, limit);
        ByteBuffer view = n == 0 ? EMPTY : in.front(n, limit).asReadOnlyBuffer();
        int start = view.position();
        view.limit(start + n);
        T message;
        try {
            message = decoder.decode(view, end);
        } catch (RuntimeException | Error e) {
            return fail(e, null);
        }
        if (message != null || end) {
            int used = view.position() - start;
            if (used < 0 || used > n) {
                return fail(new IllegalStateException("the decoder moved the position outside the bytes it was"
                        + " given: " + used + " of " + n), null);
            }
            if (used == 0) {
                return succeed(message, null);
            }
            ByteBuffer whole = in.skip(used);  // no slice: a restore rewinds the chunk instead
            skipped = whole == null ? used : 0;
            return succeed(message, whole);
        }
        if (size >= limit) {
            return fail(new LimitOverrunException("no complete frame within the limit of " + limit + " bytes",
                    size, limit), null);
        }
        return streamFailure != null && fail(streamFailure, null);
    }

    @Override
    void restore(InboundBuffer in) {
        if (skipped > 0) {
            // Nothing consumed from the front since the claim (one read at a time): the chunk is still first.
            in.unskip(skipped);
        } else {
            super.restore(in);
        }
    }
}
