package io.asyncio4j.nio;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * {@code read(max, allocator)}: up to max bytes into a buffer the allocator supplies once they are there, so an
 * idle connection holds no buffer and a pooling reader allocates nothing per read.
 */
final class AllocatedRead extends CallerBufferRead<ByteBuffer> {

    private final int max;
    private final IntFunction<ByteBuffer> allocator;

    AllocatedRead(int max, IntFunction<ByteBuffer> allocator) {
        Objects.requireNonNull(allocator, "allocator");
        if (max <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive: " + max);
        }
        this.max = max;
        this.allocator = allocator;
    }

    @Override
    boolean claim(InboundBuffer in, boolean eof, Throwable streamFailure) {
        if (in.size() > 0) {
            if (!allocate((int) Math.min(max, in.size()))) {
                return true;
            }
            if (!beginCopy()) {
                return false; // given up meanwhile: the buffer is dropped, the bytes stay
            }
            try {
                in.transferTo(dst.limit(start + copied));
                dst.position(start);
            } finally {
                endCopy();
            }
            return succeed(dst, null);
        }
        if (streamFailure != null) {
            return fail(streamFailure, null);
        }
        return eof && succeed(ByteBuffer.allocate(0), null);
    }

    @Override
    boolean claimFromRead(ByteBuffer read) {
        if (!allocate(Math.min(max, read.remaining()))) {
            return true;
        }
        if (!beginCopy()) {
            return false; // given up meanwhile: the buffer is dropped, the bytes go to the connection's
        }
        try {
            dst.put(start, read, read.position(), copied);
            read.position(read.position() + copied);
            dst.limit(start + copied).position(start);
        } finally {
            endCopy();
        }
        return succeed(dst, null);
    }

    /**
     * Asks for the buffer and decides how many of {@code n} bytes fit ({@link #copied}); on a refusal sets the
     * failure and returns {@code false}, with nothing taken.
     */
    private boolean allocate(int n) {
        ByteBuffer b;
        try {
            b = allocator.apply(n);
        } catch (RuntimeException | Error e) {
            fail(e, null);
            return false;
        }
        if (b == null || b.isReadOnly() || !b.hasRemaining()) {
            fail(new IllegalStateException("the allocator returned " + (b == null ? "null"
                    : b.isReadOnly() ? "a read-only buffer" : "a buffer with no room") + " for " + n + " bytes"),
                    null);
            return false;
        }
        dst = b;
        start = b.position();
        copied = Math.min(n, b.remaining());
        return true;
    }
}
