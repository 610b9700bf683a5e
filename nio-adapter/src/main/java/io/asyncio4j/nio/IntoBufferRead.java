package io.asyncio4j.nio;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * {@code read(dst)}: copies up to {@code dst.remaining()} bytes into the caller's buffer, so a reader that reuses
 * one buffer allocates nothing per read; -1 at the end of the stream.
 */
final class IntoBufferRead extends CallerBufferRead<Integer> {

    IntoBufferRead(ByteBuffer dst) {
        Objects.requireNonNull(dst, "dst");
        if (!dst.hasRemaining()) {
            throw new IllegalArgumentException("dst has no room: " + dst);
        }
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("dst is read-only");
        }
        this.dst = dst;
    }

    @Override
    boolean claim(InboundBuffer in, boolean eof, Throwable streamFailure) {
        if (in.size() > 0) {
            if (!beginCopy()) {
                return false;
            }
            try {
                start = dst.position();
                copied = in.transferTo(dst);
            } finally {
                endCopy();
            }
            return succeed(copied, null);
        }
        if (streamFailure != null) {
            return fail(streamFailure, null);
        }
        return eof && succeed(-1, null);
    }

    @Override
    boolean claimFromRead(ByteBuffer read) {
        if (!beginCopy()) {
            return false;
        }
        int n;
        try {
            start = dst.position();
            n = Math.min(read.remaining(), dst.remaining());
            dst.put(start, read, read.position(), n);
            dst.position(start + n);
            read.position(read.position() + n);
            copied = n;
        } finally {
            endCopy();
        }
        return succeed(n, null);
    }

    @Override
    void saved() {
        dst.position(start); // the caller's buffer reads as if this read had never happened
    }
}
