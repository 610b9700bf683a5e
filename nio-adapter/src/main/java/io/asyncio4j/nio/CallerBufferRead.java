package io.asyncio4j.nio;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

/**
 * A read that copies into a buffer the caller owns ({@code read(dst)}, or the allocator's for
 * {@code read(max, allocator)}), and the guard that lets a give-up take that buffer back. The caller may reuse the
 * buffer as soon as a cancel returns, while the executor may be copying into it on another thread: the copy and
 * the give-up's let-go exclude each other through a five-state guard, and bytes copied before the give-up are saved
 * from the buffer before it returns, to be put back into the connection from that copy.
 *
 * <p>The guard: {@code FREE} until the executor starts a copy ({@code COPYING}, one compare-and-set per read) and
 * ends it ({@code COPIED}); a give-up moves {@code FREE} or {@code COPIED} to {@code LET_GO}, through
 * {@code SAVING} while it saves the copied bytes, and spins briefly if it finds a copy under way. Once
 * {@code LET_GO}, no copy starts. It is a base class rather than a field so that a read costs no extra object.
 *
 * @param <T> the result type
 */
abstract class CallerBufferRead<T> extends PendingRead<T> {

    private static final VarHandle GUARD;
    private static final int FREE = 0;
    private static final int COPYING = 1;
    private static final int COPIED = 2;
    private static final int SAVING = 3;
    private static final int LET_GO = 4;

    static {
        try {
            GUARD = MethodHandles.lookup().findVarHandle(CallerBufferRead.class, "guard", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile int guard;
    /** The bytes copied into the caller's buffer, saved by the let-go; published by its release store. */
    private byte[] saved;
    /** The caller's buffer, where the copy starts in it, and how many bytes it took. */
    ByteBuffer dst;
    int start;
    int copied;

    /** On the executor, before writing into the caller's buffer: {@code false} once a give-up has let go of it. */
    final boolean beginCopy() {
        return GUARD.compareAndSet(this, FREE, COPYING);
    }

    /** On the executor, once the copy is done ({@code dst}, {@code start} and {@code copied} set). */
    final void endCopy() {
        GUARD.setRelease(this, COPIED);
    }

    @Override
    final void letGoOfCallerBuffer() {
        while (true) {
            int g = guard;
            if (g == LET_GO) {
                return;
            }
            if (g == FREE && GUARD.compareAndSet(this, FREE, LET_GO)) {
                return;
            }
            if (g == COPIED && GUARD.compareAndSet(this, COPIED, SAVING)) {
                try {
                    if (copied > 0) {
                        byte[] b = new byte[copied];
                        dst.get(start, b);
                        saved = b;
                    }
                    saved();
                } finally {
                    GUARD.setRelease(this, LET_GO); // even if the caller broke its buffer: lose bytes, never hang
                }
                return;
            }
            Thread.onSpinWait(); // a copy, or another thread's save, is under way and ends without waiting on us
        }
    }

    /** Called by the let-go once the copied bytes are saved, still before the give-up returns. */
    void saved() {
    }

    @Override
    final void restore(InboundBuffer in) {
        letGoOfCallerBuffer();
        if (saved != null) {
            in.pushFront(ByteBuffer.wrap(saved));
        }
    }
}
