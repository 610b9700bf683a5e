package io.asyncio4j.nio;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Heap buffers for TLS records and their plaintext, shared by every TLS connection of the process: a connection
 * holds them only while bytes are in them, so an idle one holds none. One size, enough for a record or a record's
 * plaintext; a connection that needs more (a peer's oversize records, several records per write) allocates beyond
 * the pool. Bounded: buffers returned to a full pool are dropped. Plaintext is zeroed on return.
 */
final class TlsBufferPool {

    /** Holds the longest TLS record ({@link TlsRecords#MAX_RECORD}) or the plaintext the JDK's engine asks room for. */
    static final int SIZE = 20 * 1024;
    private static final int CAPACITY = 256;

    private static final ByteBuffer[] FREE = new ByteBuffer[CAPACITY];
    private static int count;
    /** Pool-sized buffers handed out and not given back, for tests that check a layer returns what it took. */
    private static int lent;

    private TlsBufferPool() {
    }

    /** A cleared heap buffer of at least {@code size} bytes. */
    static ByteBuffer acquire(int size) {
        if (size <= SIZE) {
            synchronized (FREE) {
                lent++;
                if (count > 0) {
                    ByteBuffer b = FREE[--count];
                    FREE[count] = null;
                    return b;
                }
            }
            return ByteBuffer.allocate(SIZE);
        }
        return ByteBuffer.allocate(size);
    }

    /** How many pool-sized buffers are out: acquired and not released. */
    static int lent() {
        synchronized (FREE) {
            return lent;
        }
    }

    /** Returns {@code b} to the pool; {@code plaintext} buffers are zeroed up to their highest position used. */
    static void release(ByteBuffer b, boolean plaintext, int used) {
        if (plaintext) {
            Arrays.fill(b.array(), b.arrayOffset(), b.arrayOffset() + Math.min(used, b.capacity()), (byte) 0);
        }
        if (b.capacity() != SIZE) {
            return;
        }
        b.clear();
        synchronized (FREE) {
            lent--;
            if (count < CAPACITY) {
                FREE[count++] = b;
            }
        }
    }
}
