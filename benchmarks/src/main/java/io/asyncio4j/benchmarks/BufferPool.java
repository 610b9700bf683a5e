package io.asyncio4j.benchmarks;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Direct buffers of one size, kept per thread for {@code Connection.read(maxBytes, allocator)}: the allocator runs on
 * the I/O thread that received the bytes and the buffer comes back from a callback on a connection's executor,
 * usually the same thread, so neither side takes a lock. Each thread keeps at most {@code perThread} buffers;
 * beyond that, given-back buffers are left to the garbage collector.
 */
final class BufferPool {

    /** Below this hint a fresh buffer of the exact size is cheaper than a large pooled one kept in cache. */
    private static final int SMALL = 512;

    private final int size;
    private final int perThread;
    private final ThreadLocal<ArrayDeque<ByteBuffer>> free;

    BufferPool(int size, int perThread) {
        this.size = size;
        this.perThread = perThread;
        this.free = ThreadLocal.withInitial(() -> new ArrayDeque<>(perThread));
    }

    /**
     * A buffer for {@code sizeHint} bytes: a cleared direct buffer of the pool's size (written to the socket
     * without the JDK's copy into a temporary direct buffer), or for a small hint (under 512 bytes) a fresh heap
     * buffer of exactly that size, which costs less to allocate than a large one costs to keep in cache.
     */
    ByteBuffer take(int sizeHint) {
        if (sizeHint < SMALL) {
            return ByteBuffer.allocate(sizeHint);
        }
        ByteBuffer b = free.get().pollFirst();
        return b != null ? b.clear() : ByteBuffer.allocateDirect(size);
    }

    /**
     * Gives a buffer back once nothing refers to it any more (small ones are left to the garbage collector);
     * returns {@code true}, for use in a loop.
     */
    boolean give(ByteBuffer b) {
        ArrayDeque<ByteBuffer> q = free.get();
        if (b.capacity() == size && q.size() < perThread) {
            q.addFirst(b);
        }
        return true;
    }
}
