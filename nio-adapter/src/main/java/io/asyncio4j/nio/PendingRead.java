package io.asyncio4j.nio;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.FrameDecoder;
import io.asyncio4j.IncompleteReadException;
import io.asyncio4j.LimitOverrunException;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.function.IntFunction;

/**
 * One user read waiting on a connection's {@link InboundBuffer}. On the connection's executor, {@link #tryClaim}
 * takes the bytes it needs (or decides its failure); the result is delivered there too, at once or as a task queued
 * behind the current one. The bytes taken are remembered until delivery, so that giving the read up (a cancel, or a
 * completion from outside such as {@code orTimeout}, from any thread) winning the race against delivery can put
 * them back: no byte is lost to a read given up. The race is decided by the future's gate: the delivery settles it,
 * a give-up claims it. The read is also its future's cancellation action ({@link #run}).
 *
 * @param <T> the result type
 */
abstract class PendingRead<T> implements Runnable {

    enum State { WAITING, CLAIMED, SETTLED }

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();

    /** Cancelling it runs this read ({@link #run}): no object per read for the hook, no atomic update to set it. */
    final AsyncFuture<T> future = new AsyncFuture<>(this);
    State state = State.WAITING;
    /** The connection it waits on; set when the read starts. */
    StreamConnection owner;
    /** The bytes consumed by the claim, to put back if the delivery loses to a cancellation. */
    ByteBuffer taken;
    private T value;
    private Throwable failure;
    /**
     * Set by the first {@link #run} that found the future given up, before the connection hears of it: a give-up
     * claims the future's gate before the future completes, so {@code isDone()} would come too late.
     */
    volatile boolean givenUp;

    /**
     * Tries to complete from the buffer. Returns whether the read has its outcome; {@code eof} and
     * {@code streamFailure} describe the socket after the buffered bytes.
     */
    final boolean tryClaim(InboundBuffer in, boolean eof, Throwable streamFailure) {
        if (!claim(in, eof, streamFailure)) {
            return false;
        }
        state = State.CLAIMED;
        return true;
    }

    /** Subclasses set the outcome with {@link #succeed} or {@link #fail} and return {@code true}. */
    abstract boolean claim(InboundBuffer in, boolean eof, Throwable streamFailure);

    /**
     * On the executor, while this read waits and nothing is buffered: takes the bytes it wants straight from the
     * socket's read buffer (flipped), without a chunk in between. Returns whether it did (and has its outcome);
     * reads that do not support it leave the bytes to the inbound buffer.
     */
    boolean claimFromSocket(ByteBuffer read) {
        return false;
    }

    final boolean succeed(T result, ByteBuffer consumed) {
        this.value = result;
        this.taken = consumed;
        return true;
    }

    final boolean fail(Throwable cause, ByteBuffer consumed) {
        this.failure = cause;
        this.taken = consumed;
        return true;
    }

    /**
     * On the executor: puts the claimed bytes back at the front of {@code in}, after a cancellation beat the delivery.
     * The bytes are exactly those the claim took, so the stream reads as if this read had never happened.
     */
    void restore(InboundBuffer in) {
        if (taken != null) {
            in.pushFront(taken);
        }
    }

    /**
     * Called once a cancel has won, on the cancelling thread before {@code cancel} returns and on the executor
     * before a restore: after it, the connection no longer touches a buffer the caller owns. Nothing to do for reads
     * into the connection's own buffers.
     */
    void letGoOfCallerBuffer() {
    }

    /** Fails a read still waiting, when the connection closes. */
    final void failWaiting(Throwable cause) {
        this.failure = cause;
        this.state = State.CLAIMED;
    }

    /**
     * Delivers the outcome (on the connection's executor); on a read given up (as the future's cancellation action,
     * run by the give-up before the future completes, or a delivery the give-up beat) lets go of the caller's buffer
     * and detaches the read from the connection, which puts back what it had claimed.
     */
    @Override
    public final void run() {
        // As the cancellation action the gate is already claimed, so the settle is refused whatever the fields hold.
        boolean delivered = failure == null ? future.settle(value) : future.settleExceptionally(failure);
        if (!delivered) {
            givenUp = true;
            letGoOfCallerBuffer();
            owner.readCancelled(this);
        }
    }

    /** Whether this read is over from the connection's point of view: given up, or its future complete. */
    final boolean finished() {
        return givenUp || future.isDone();
    }

    /** {@code read(max)}: whatever is buffered, up to max; an empty buffer at the end of the stream. */
    static final class Some extends PendingRead<ByteBuffer> {
        private final int max;

        Some(int max) {
            this.max = max;
        }

        @Override
        boolean claim(InboundBuffer in, boolean eof, Throwable streamFailure) {
            if (in.size() > 0) {
                ByteBuffer b = in.takeUpTo(max);
                return succeed(b, b); // handed out only if delivered; put back only if not
            }
            if (streamFailure != null) {
                return fail(streamFailure, null);
            }
            return eof && succeed(ByteBuffer.allocate(0), null);
        }
    }

    /**
     * {@code read(dst)}: copies up to {@code dst.remaining()} bytes into the caller's buffer, so a reader that
     * reuses one buffer allocates nothing per read; -1 at the end of the stream.
     */
    static final class Into extends IntoCallerBuffer<Integer> {

        Into(ByteBuffer dst) {
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
        boolean claimFromSocket(ByteBuffer read) {
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
            succeed(n, null);
            state = State.CLAIMED;
            return true;
        }

        @Override
        void saved() {
            dst.position(start); // the caller's buffer reads as if this read had never happened
        }
    }

    /**
     * A read that copies into a buffer the caller owns ({@code read(dst)}, or the allocator's for
     * {@code read(max, allocator)}). The caller may reuse that buffer as soon as a cancel returns, while the
     * executor may be copying into it on another thread: the copy and a cancel's let-go exclude each other through
     * {@code guard} (a compare-and-set per read on the executor, a short spin on a cancelling thread that finds a copy
     * under way), and bytes copied before the cancel are saved from the buffer before the cancel returns, to be put
     * back from that copy.
     */
    abstract static class IntoCallerBuffer<T> extends PendingRead<T> {
        private static final VarHandle GUARD;
        private static final int FREE = 0;
        private static final int COPYING = 1;
        private static final int COPIED = 2;
        private static final int SAVING = 3;
        private static final int LET_GO = 4;

        static {
            try {
                GUARD = MethodHandles.lookup().findVarHandle(IntoCallerBuffer.class, "guard", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private volatile int guard;
        /** The bytes copied into the caller's buffer, saved by the let-go; published by its release store. */
        private byte[] saved;
        ByteBuffer dst;
        int start;
        int copied;

        /** On the executor, before writing into the caller's buffer: {@code false} once a cancel has let go of it. */
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
                Thread.onSpinWait(); // a copy, or another thread's save, under way: a few microseconds at most
            }
        }

        /** Called by the let-go once the copied bytes are saved, still before the cancel returns. */
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

    /**
     * {@code readFrame(decoder, limit)}: offers the decoder everything buffered, up to the limit, as one read-only
     * contiguous view, and consumes what it advanced past once it produces a message.
     */
    static final class Frame<T> extends PendingRead<T> {
        private final FrameDecoder<T> decoder;
        private final int limit;
        /** Bytes the claim consumed from a chunk that stayed at the front; {@code taken} covers a whole chunk. */
        private int skipped;

        Frame(FrameDecoder<T> decoder, int limit) {
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

    /**
     * {@code read(max, allocator)}: up to max bytes into a buffer the allocator supplies once they are there, so an
     * idle connection holds no buffer and a pooling reader allocates nothing per read.
     */
    static final class Allocated extends IntoCallerBuffer<ByteBuffer> {
        private final int max;
        private final IntFunction<ByteBuffer> allocator;

        Allocated(int max, IntFunction<ByteBuffer> allocator) {
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
                    return false; // cancelled meanwhile: the buffer is dropped, the bytes stay
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
        boolean claimFromSocket(ByteBuffer read) {
            if (allocate(Math.min(max, read.remaining()))) {
                if (!beginCopy()) {
                    return false; // cancelled meanwhile: the buffer is dropped, the bytes go to the connection's
                }
                try {
                    dst.put(start, read, read.position(), copied);
                    read.position(read.position() + copied);
                    dst.limit(start + copied).position(start);
                } finally {
                    endCopy();
                }
                succeed(dst, null);
            }
            state = State.CLAIMED;
            return true;
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

    /** {@code readExactly(n)}. */
    static final class Exactly extends PendingRead<byte[]> {
        private final int n;

        Exactly(int n) {
            this.n = n;
        }

        @Override
        boolean claim(InboundBuffer in, boolean eof, Throwable streamFailure) {
            if (in.size() >= n) {
                byte[] b = in.take(n);
                return succeed(b, ByteBuffer.wrap(b));
            }
            if (streamFailure != null) {
                return fail(streamFailure, null);
            }
            if (eof) {
                byte[] partial = in.take((int) in.size());
                return fail(new IncompleteReadException(partial, n), ByteBuffer.wrap(partial));
            }
            return false;
        }
    }

    /** {@code readUntil(delimiter, limit)} and {@code readLine(limit)}. */
    static final class Until extends PendingRead<byte[]> {
        private static final byte[] LF = {'\n'};

        private final byte[] delimiter;
        private final int limit;
        private final boolean line;
        /** Where the next search starts: the buffer's front does not move while this read waits. */
        private long scanned;

        Until(byte[] delimiter, int limit) {
            this(delimiter, limit, false);
        }

        private Until(byte[] delimiter, int limit, boolean line) {
            this.delimiter = delimiter;
            this.limit = limit;
            this.line = line;
        }

        static Until line(int limit) {
            return new Until(LF, limit, true);
        }

        @Override
        boolean claim(InboundBuffer in, boolean eof, Throwable streamFailure) {
            long size = in.size();
            long at = in.indexOf(delimiter, scanned, size);
            if (at >= 0) {
                long end = at + delimiter.length;
                if (end > limit) {
                    return fail(new LimitOverrunException("delimiter found " + end + " bytes in, beyond the limit of "
                            + limit, end, limit), null);
                }
                byte[] record = in.take((int) end);
                return succeed(line ? stripLineEnd(record) : record, ByteBuffer.wrap(record));
            }
            if (size >= limit) {
                return fail(new LimitOverrunException("no delimiter within the limit of " + limit + " bytes",
                        size, limit), null);
            }
            scanned = Math.max(0, size - delimiter.length + 1);
            if (streamFailure != null) {
                return fail(streamFailure, null);
            }
            if (!eof) {
                return false;
            }
            if (line) {
                if (size == 0) {
                    return succeed(null, null);
                }
                byte[] last = in.take((int) size);
                return succeed(last, ByteBuffer.wrap(last));  // no terminator: a trailing CR is data
            }
            byte[] partial = in.take((int) size);
            return fail(new IncompleteReadException(partial, -1), ByteBuffer.wrap(partial));
        }

        /** The line without its LF, and without a CR just before the LF. */
        private static byte[] stripLineEnd(byte[] record) {
            int end = record.length - 1;
            if (end > 0 && record[end - 1] == '\r') {
                end--;
            }
            return java.util.Arrays.copyOf(record, end);
        }
    }

    /** {@code readToEnd(limit)}. */
    static final class ToEnd extends PendingRead<byte[]> {
        private final int limit;

        ToEnd(int limit) {
            this.limit = limit;
        }

        @Override
        boolean claim(InboundBuffer in, boolean eof, Throwable streamFailure) {
            long size = in.size();
            if (size > limit) {
                return fail(new LimitOverrunException("more than " + limit + " bytes before the end of the stream",
                        size, limit), null);
            }
            if (streamFailure != null) {
                return fail(streamFailure, null);
            }
            if (!eof) {
                return false;
            }
            byte[] all = in.take((int) size);
            return succeed(all, ByteBuffer.wrap(all));
        }
    }
}
