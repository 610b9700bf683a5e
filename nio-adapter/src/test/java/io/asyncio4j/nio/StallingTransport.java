package io.asyncio4j.nio;

import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A test double under a TLS layer whose writes, once {@link #stallWrites() stalled}, never complete: the layer's
 * records and its {@code close_notify} stay below, as toward a peer that reads nothing and a full socket buffer.
 * Reads, and writes before the stall, pass straight through.
 */
final class StallingTransport extends ForwardingTransport {

    private volatile boolean stalled;
    private final AtomicLong stuckWrites = new AtomicLong();
    private final AtomicLong stuckBytes = new AtomicLong();

    StallingTransport(ByteTransport lower) {
        super(lower);
    }

    /** From now on, writes are taken and never completed. */
    void stallWrites() {
        stalled = true;
    }

    /** How many writes are stuck: handed down since the stall and never completed. */
    long stuckWrites() {
        return stuckWrites.get();
    }

    /** How many bytes those writes hold. */
    long stuckBytes() {
        return stuckBytes.get();
    }

    @Override
    public <A> void write(ByteBuffer src, A attachment, CompletionHandler<Integer, ? super A> handler) {
        if (stalled) {
            stuckWrites.incrementAndGet();
            stuckBytes.addAndGet(src.remaining());
            return;
        }
        lower.write(src, attachment, handler);
    }

    @Override
    public <A> void write(ByteBuffer[] srcs, int offset, int length, A attachment,
                          CompletionHandler<Long, ? super A> handler) {
        if (stalled) {
            stuckWrites.incrementAndGet();
            for (int i = offset; i < offset + length; i++) {
                stuckBytes.addAndGet(srcs[i].remaining());
            }
            return;
        }
        lower.write(srcs, offset, length, attachment, handler);
    }
}
