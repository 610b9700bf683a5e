package io.asyncio4j.benchmarks;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Direct buffers of one size, kept per thread for {@code Connection.read(maxBytes, allocator)}: the allocator runs on
 * the I/O thread that received the bytes and the buffer comes back from a callback on a connection's executor,
 * usually the same thread, so neither side takes a lock. A buffer given back on another thread joins that thread's
 * pool, and a thread whose pool is empty allocates a new buffer of the full size, whatever the read needs. Each
 * thread keeps at most {@code perThread} buffers; beyond that, given-back buffers are left to the garbage
 * collector.
 */
final class BufferPool {

    private final int size;
    private final int perThread;
    private final ThreadLocal<ArrayDeque<ByteBuffer>> free;

    BufferPool(int size, int perThread) {
        this.size = size;
        this.perThread = perThread;
        this.free = ThreadLocal.withInitial(() -> new ArrayDeque<>(perThread));
    }

    /**
     * A buffer for up to the pool's size: a cleared direct buffer (written to the socket without the JDK's copy
     * into a temporary direct buffer), whatever the hint. The most recently given back comes first, so the few
     * buffers in use stay in cache; a fresh exact-size heap buffer for small hints would cost an object and an
     * array per read, and the JDK's copy on write (MEASUREMENTS.md compares the two).
     */
    ByteBuffer take(int sizeHint) {
        ByteBuffer b = free.get().pollFirst();
        return b != null ? b.clear() : ByteBuffer.allocateDirect(size);
    }

    /**
     * Gives a buffer back once nothing refers to it any more; returns {@code true}, for use in a loop.
     */
    boolean give(ByteBuffer b) {
        ArrayDeque<ByteBuffer> q = free.get();
        if (b.capacity() == size && q.size() < perThread) {
            q.addFirst(b);
        }
        return true;
    }
}
