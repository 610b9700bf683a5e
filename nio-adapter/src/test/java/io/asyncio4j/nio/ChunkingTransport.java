package io.asyncio4j.nio;

import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;
import java.util.function.IntSupplier;

/**
 * A test double under a TLS layer that hands up the bytes it reads in pieces of the sizes it is given — one byte at
 * a time, or sizes drawn from a seeded random — so that records reach the layer split at every possible point: the
 * way to find the engine's underflow and framing bugs. It reads below only once it has handed up all it holds; the
 * end of the stream and failures pass up as they are, and writes pass straight through.
 */
final class ChunkingTransport extends ForwardingTransport {

    private final IntSupplier chunkSizes;
    /** Bytes read from below and not handed up yet, in read mode. */
    private final ByteBuffer held = ByteBuffer.allocate(16 * 1024).flip();

    /** Over {@code lower}, handing up at most {@code chunkSizes.getAsInt()} bytes per read. */
    ChunkingTransport(ByteTransport lower, IntSupplier chunkSizes) {
        super(lower);
        this.chunkSizes = chunkSizes;
    }

    @Override
    public <A> void read(ByteBuffer dst, A attachment, CompletionHandler<Integer, ? super A> handler) {
        int n = 0;
        boolean readBelow;
        synchronized (this) {
            readBelow = !held.hasRemaining();
            if (readBelow) {
                held.clear();
            } else {
                n = handUp(dst);
            }
        }
        if (!readBelow) {
            handler.completed(n, attachment);
            return;
        }
        lower.read(held, attachment, new CompletionHandler<Integer, A>() {
            @Override
            public void completed(Integer count, A a) {
                if (count < 0) {
                    handler.completed(count, a);
                    return;
                }
                int up;
                synchronized (ChunkingTransport.this) {
                    held.flip();
                    up = handUp(dst);
                }
                handler.completed(up, a);
            }

            @Override
            public void failed(Throwable e, A a) {
                handler.failed(e, a);
            }
        });
    }

    private int handUp(ByteBuffer dst) {
        int n = Math.min(Math.min(chunkSizes.getAsInt(), dst.remaining()), held.remaining());
        dst.put(held.slice(held.position(), n));
        held.position(held.position() + n);
        return n;
    }
}
