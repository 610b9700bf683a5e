package io.asyncio4j.nio;

import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;
import java.nio.channels.ReadPendingException;

/**
 * The transport a hand-over gives the next layer (StartTLS, a protocol switch): it reads first the raw bytes the
 * connection had received but not read, then the outcome of the raw read that was in flight at the switch (waiting
 * for it, never cancelling it), then from the transport underneath, so that the new layer sees the raw stream
 * without a byte lost or out of order. Writes, and everything else, go straight to the transport underneath
 * ({@link ForwardingTransport}).
 *
 * <p>Reads may come from any thread; the earlier read's outcome arrives on the connection's executor. Once the
 * prefix is served and the earlier read is over, reads pass straight through.
 */
final class PrefixedTransport extends ForwardingTransport {

    /** Guarded by this: the raw bytes not read yet, {@code null} once served. */
    private ByteBuffer prefix;
    /** Guarded by this: the stream underneath ended, or failed, after the prefix. */
    private boolean ended;
    private Throwable failure;
    /** Guarded by this: a raw read issued before the hand-over is still out; its outcome comes after the prefix. */
    private boolean earlierReadInFlight;
    /** Guarded by this: a read of the new layer waiting for the earlier read. */
    private ByteBuffer waitingDst;
    private Object waitingAttachment;
    private CompletionHandler<Integer, Object> waitingHandler;
    /** Nothing of the hand-over is left: reads go straight to the transport underneath. */
    private volatile boolean passThrough;

    PrefixedTransport(ByteTransport lower, ByteBuffer unread, boolean ended, Throwable failure,
                      boolean earlierReadInFlight) {
        super(lower);
        this.prefix = unread.hasRemaining() ? unread : null;
        this.ended = ended;
        this.failure = failure;
        this.earlierReadInFlight = earlierReadInFlight;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <A> void read(ByteBuffer dst, A attachment, CompletionHandler<Integer, ? super A> handler) {
        if (passThrough) {
            lower.read(dst, attachment, handler);
            return;
        }
        if (!dst.hasRemaining()) {
            handler.completed(0, attachment); // as a socket does: nothing asked, nothing taken from the prefix
            return;
        }
        int n;
        Throwable f;
        synchronized (this) {
            if (prefix == null && earlierReadInFlight) {
                if (waitingHandler != null) {
                    throw new ReadPendingException();
                }
                waitingDst = dst;
                waitingAttachment = attachment;
                waitingHandler = (CompletionHandler<Integer, Object>) handler;
                return;
            }
            n = serve(dst);
            f = n == 0 ? failure : null;
            passThrough = n == 0 && f == null;
        }
        if (n == 0 && f == null) {
            lower.read(dst, attachment, handler);
        } else {
            complete(handler, attachment, n, f);
        }
    }

    /**
     * On the connection's executor: the raw read that was in flight at the hand-over returned {@code n} bytes in
     * {@code buffer}, or -1, or failed with {@code e}; a read of the new layer waiting for it gets it now.
     */
    void earlierReadCompleted(int n, ByteBuffer buffer, Throwable e) {
        ByteBuffer dst;
        Object attachment;
        CompletionHandler<Integer, Object> handler;
        int served;
        Throwable f;
        synchronized (this) {
            earlierReadInFlight = false;
            if (e != null) {
                failure = e;
            } else if (n < 0) {
                ended = true;
            } else {
                buffer.flip();
                prefix = append(prefix, buffer);
            }
            handler = waitingHandler;
            if (handler == null) {
                return; // parked until the new layer reads
            }
            dst = waitingDst;
            attachment = waitingAttachment;
            waitingDst = null;
            waitingAttachment = null;
            waitingHandler = null;
            served = serve(dst);
            f = served == 0 ? failure : null;
            passThrough = served == 0 && f == null;
        }
        if (served == 0 && f == null) {
            lower.read(dst, attachment, handler); // the earlier read brought nothing: read on from underneath
        } else {
            complete(handler, attachment, served, f);
        }
    }

    /**
     * The bytes of the earlier read go after what is left of the prefix: the new layer may have read only part of it
     * by the time the earlier read completes.
     */
    private static ByteBuffer append(ByteBuffer prefix, ByteBuffer more) {
        if (!more.hasRemaining()) {
            return prefix;
        }
        if (prefix == null) {
            return more;
        }
        ByteBuffer joined = ByteBuffer.allocate(prefix.remaining() + more.remaining());
        joined.put(prefix).put(more).flip();
        return joined;
    }

    /** Under the lock: copies prefix bytes into {@code dst}; their count, -1 at the end, or 0 for neither. */
    private int serve(ByteBuffer dst) {
        if (prefix != null) {
            int k = Math.min(prefix.remaining(), dst.remaining());
            dst.put(dst.position(), prefix, prefix.position(), k);
            dst.position(dst.position() + k);
            prefix.position(prefix.position() + k);
            if (!prefix.hasRemaining()) {
                prefix = null;
            }
            return k;
        }
        return ended ? -1 : 0;
    }

    private static <A> void complete(CompletionHandler<Integer, ? super A> handler, A attachment, int n,
                                     Throwable failure) {
        if (failure != null) {
            handler.failed(failure, attachment);
        } else {
            handler.completed(n, attachment);
        }
    }
}
