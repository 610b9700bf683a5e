package io.asyncio4j.nio;

import java.nio.ByteBuffer;

/**
 * How much the next raw read asks for, and the buffer it reads into (Netty's
 * {@code AdaptiveRecvByteBufAllocator}): the size doubles after a read that filled the buffer and halves after two
 * that used less than a quarter of it, between {@link #MIN} and {@link #MAX}, so that it stays small while a
 * connection idles and grows while data streams in. The buffer is direct, so the JDK copies
 * nothing on the way in from a socket, or on the heap for a layer that fills it itself ({@link #heap}); it is reused
 * until the size changes. Confined to the connection's executor.
 */
final class ReadSizer {

    static final int MIN = 512;
    static final int INITIAL = 1024;
    static final int MAX = 64 * 1024;

    /** Heap buffers instead of direct ones: for a transport that fills them itself (TLS), not a socket. */
    private boolean heap;
    private int size = INITIAL;
    /** Reads that used less than a quarter of the buffer since the size last changed or a read filled it. */
    private int smallReads;
    /** The buffer of the last read, kept for the next one; {@code null} while a read holds it. */
    private ByteBuffer spare;

    /** Hands out heap buffers from now on if {@code on}, else direct ones. */
    void heap(boolean on) {
        heap = on;
    }

    /** Returns the buffer for the next raw read, empty: the spare one if the size still fits it, else a new one. */
    ByteBuffer nextBuffer() {
        ByteBuffer b = spare;
        spare = null;
        if (b != null && b.capacity() == size && b.isDirect() != heap) {
            b.clear();
            return b;
        }
        return heap ? ByteBuffer.allocate(size) : ByteBuffer.allocateDirect(size);
    }

    /**
     * Records that a raw read put {@code n} bytes into {@code buffer}, one that {@link #nextBuffer()} returned and
     * whose bytes the caller has taken: adapts the size, and keeps the buffer for the next read.
     */
    void recycle(ByteBuffer buffer, int n) {
        spare = buffer;
        int capacity = buffer.capacity();
        if (n == capacity) {
            smallReads = 0;
            if (size < MAX) {
                size *= 2;
            }
        } else if (n < capacity / 4 && ++smallReads >= 2) {
            smallReads = 0;
            if (size > MIN) {
                size /= 2;
            }
        }
    }

    /** The size the next read asks for. */
    int size() {
        return size;
    }
}
