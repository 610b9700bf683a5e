package io.asyncio4j.nio;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.CompletionHandler;
import java.nio.channels.WritePendingException;

/**
 * The write side of a {@link TlsTransport}: encrypts what is due — the engine's handshake messages, a
 * {@code close_notify} or an alert, then the connection's write — into one buffer of records, and writes it below,
 * one write at a time. The connection's write is done once its plaintext is in records handed below, as a socket's
 * write is once its bytes are in the kernel's buffer; nothing more is encrypted until those records are written, so
 * the layer holds one buffer of records beyond the connection's own bounded queue.
 *
 * <p>Confined to the connection's executor, as the layer is; the write below hops there to complete.
 */
final class TlsWriter {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final TlsTransport tls;
    private final ByteTransport lower;
    private final RawWrite rawWrite = new RawWrite();
    /** Records being written below, in read mode; {@code null} when none. */
    private ByteBuffer netOut;
    private boolean inFlight;
    private UpperWrite upperWrite;
    /** Plaintext of {@code upperWrite} in the records being written. */
    private long wrappedForUpper;

    TlsWriter(TlsTransport tls, ByteTransport lower) {
        this.tls = tls;
        this.lower = lower;
    }

    /** Whether records are being written below. */
    boolean inFlight() {
        return inFlight;
    }

    /**
     * The connection's write: refused with {@code refusal} if not {@code null}, done at once if empty, else waits
     * to be encrypted; returns whether it waits.
     */
    boolean accept(UpperWrite w, Throwable refusal) {
        if (upperWrite != null) {
            throw new WritePendingException();
        }
        if (refusal != null) {
            w.fail(refusal);
            return false;
        }
        if (!w.hasRemaining()) {
            w.complete(0);
            return false;
        }
        upperWrite = w;
        return true;
    }

    /**
     * Encrypts what is due into one buffer and writes it below: {@code control} records (what the engine asks to
     * send, {@code close_notify}) first, then, if {@code data}, the connection's write. Returns whether the engine
     * took or gave anything.
     */
    boolean wrapPending(SSLEngine engine, boolean closingOutput, boolean data) throws SSLException {
        if (inFlight) {
            return false;
        }
        boolean progressed = false;
        ByteBuffer out = null;
        try {
            while (true) {
                boolean control = engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP
                        || closingOutput && !engine.isOutboundDone();
                UpperWrite w = upperWrite;
                boolean app = !control && data && w != null && w.hasRemaining();
                if (!control && !app) {
                    break;
                }
                int packet = engine.getSession().getPacketBufferSize();
                if (out == null) {
                    out = TlsBufferPool.acquire(packet);
                } else if (out.remaining() < packet) {
                    break; // full: send what is there first
                }
                SSLEngineResult r = app ? engine.wrap(w.srcs, w.offset, w.length, out) : engine.wrap(EMPTY, out);
                if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                    if (out.position() > 0) {
                        break;
                    }
                    TlsBufferPool.release(out, false, 0);
                    out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize()); // asked again: it may grow
                    continue;
                }
                if (app) {
                    wrappedForUpper += r.bytesConsumed();
                    if (r.getStatus() == SSLEngineResult.Status.CLOSED && wrappedForUpper == 0) {
                        fail(new ClosedChannelException()); // the engine's output is closed
                    }
                }
                boolean moved = r.bytesConsumed() > 0 || r.bytesProduced() > 0;
                progressed |= moved;
                if (!tls.afterWrap(r) || !moved) {
                    break;
                }
            }
        } finally {
            if (out != null && out.position() > 0) {
                send(out.flip());
                completeUpperWrite();
            } else if (out != null) {
                TlsBufferPool.release(out, false, 0);
            }
        }
        return progressed;
    }

    /** After a failure: wraps the engine's alert and writes it; returns whether anything is being written. */
    boolean sendAlert(SSLEngine engine) throws SSLException {
        ByteBuffer out = TlsBufferPool.acquire(engine.getSession().getPacketBufferSize());
        boolean sent = false;
        try {
            SSLEngineResult r = engine.wrap(EMPTY, out);
            if (r.bytesProduced() > 0) {
                send(out.flip());
                sent = true;
            }
            return sent;
        } finally {
            if (!sent) {
                TlsBufferPool.release(out, false, 0);
            }
        }
    }

    private void send(ByteBuffer records) {
        netOut = records;
        writeBelow();
    }

    private void writeBelow() {
        inFlight = true;
        try {
            lower.write(netOut, null, rawWrite);
        } catch (RuntimeException e) {
            rawWrite.failed(e, null);
        }
    }

    private void completeUpperWrite() {
        UpperWrite w = upperWrite;
        if (w != null && wrappedForUpper > 0) {
            long n = wrappedForUpper;
            upperWrite = null;
            wrappedForUpper = 0;
            w.complete(n);
        }
    }

    /** Fails the connection's waiting write, if any, with {@code e}. */
    void fail(Throwable e) {
        UpperWrite w = upperWrite;
        if (w != null) {
            upperWrite = null;
            wrappedForUpper = 0;
            w.fail(e);
        }
    }

    private void written() {
        if (netOut.hasRemaining()) {
            writeBelow();
            return;
        }
        inFlight = false;
        release();
        tls.writeBelowDone();
    }

    /** Lets go of the buffer: the layer is closed, or the write below failed. */
    void release() {
        if (netOut != null) {
            TlsBufferPool.release(netOut, false, 0);
            netOut = null;
        }
    }

    /** The write below: its outcome hops to the executor. */
    private final class RawWrite implements CompletionHandler<Integer, Void>, Runnable {
        private Throwable failure;

        @Override
        public void completed(Integer n, Void unused) {
            tls.executor().execute(this);
        }

        @Override
        public void failed(Throwable e, Void unused) {
            failure = e;
            tls.executor().execute(this);
        }

        @Override
        public void run() {
            Throwable e = failure;
            failure = null;
            if (tls.isClosed()) {
                inFlight = false;
            } else if (e != null) {
                inFlight = false;
                release();
                tls.writeBelowFailed(e);
            } else {
                written();
            }
        }
    }

    /** The connection's write in progress: its plaintext buffers and its handler, of either form. */
    static final class UpperWrite {
        final ByteBuffer[] srcs;
        final int offset;
        final int length;
        private final Object attachment;
        private final CompletionHandler<?, Object> handler;
        private final boolean single;

        @SuppressWarnings("unchecked")
        UpperWrite(ByteBuffer[] srcs, int offset, int length, Object attachment, CompletionHandler<?, ?> handler,
                   boolean single) {
            this.srcs = srcs;
            this.offset = offset;
            this.length = length;
            this.attachment = attachment;
            this.handler = (CompletionHandler<?, Object>) handler;
            this.single = single;
        }

        boolean hasRemaining() {
            for (int i = offset; i < offset + length; i++) {
                if (srcs[i].hasRemaining()) {
                    return true;
                }
            }
            return false;
        }

        @SuppressWarnings("unchecked")
        void complete(long n) {
            if (single) {
                ((CompletionHandler<Integer, Object>) handler).completed((int) n, attachment);
            } else {
                ((CompletionHandler<Long, Object>) handler).completed(n, attachment);
            }
        }

        void fail(Throwable e) {
            handler.failed(e, attachment);
        }
    }
}
