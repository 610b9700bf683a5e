package io.asyncio4j.nio;

import io.asyncio4j.TlsTruncationException;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;
import java.nio.channels.ReadPendingException;

/**
 * The read side of a {@link TlsTransport}: keeps a read of the transport below in flight whenever the layer needs
 * records (a handshake, a close waiting for the peer's {@code close_notify}) or has no decrypted bytes waiting for
 * the connection, collects records until each is whole, decrypts them — straight into the connection's read buffer
 * when it waits and has room, else into a buffer of its own — and completes the connection's read with plaintext,
 * the end of the stream, or a failure after the plaintext before it.
 *
 * <p>Confined to the connection's executor, as the layer is; the read below hops there to complete.
 */
final class TlsReader {

    private final TlsTransport tls;
    private final ByteTransport lower;
    private final ReadSizer sizer = new ReadSizer();
    private final RawRead rawRead = new RawRead();
    private boolean rawReadInFlight;
    private boolean rawEof;
    /**
     * The last read below, in read mode, while its bytes have not all moved into {@code netIn}: a read may bring
     * several records, more than the pooled record buffer holds; no read is issued until it is drained.
     */
    private ByteBuffer pendingRaw;
    private int pendingRawCount;
    /** Records received and not yet decrypted, in write mode; {@code null} when none. */
    private ByteBuffer netIn;
    /** Decrypted bytes in {@code [appInRead, position)}, waiting for the connection's read; {@code null} when none. */
    private ByteBuffer appIn;
    private int appInRead;
    /** The peer's {@code close_notify} was read, or a ragged end accepted: reads see the end once appIn is empty. */
    private boolean inboundDone;
    /** What the read after the decrypted bytes fails with: a truncation, or the failure below. */
    private Throwable inboundFailure;
    private ByteBuffer readDst;
    private Object readAttachment;
    private CompletionHandler<Integer, Object> readHandler;
    /** Bytes decrypted straight into {@code readDst}, not reported yet. */
    private int producedIntoDst;
    /** The connection's buffer was too small for a record: until its read completes, records go to appIn. */
    private boolean intoDstOverflowed;

    TlsReader(TlsTransport tls, ByteTransport lower) {
        this.tls = tls;
        this.lower = lower;
    }

    /** The connection's read: parked until there is something to give it. */
    @SuppressWarnings("unchecked")
    <A> boolean park(ByteBuffer dst, A attachment, CompletionHandler<Integer, ? super A> handler) {
        if (readHandler != null) {
            throw new ReadPendingException();
        }
        if (!dst.hasRemaining()) {
            handler.completed(0, attachment); // as a socket does: nothing asked, nothing taken
            return false;
        }
        readDst = dst;
        readAttachment = attachment;
        readHandler = (CompletionHandler<Integer, Object>) handler;
        producedIntoDst = 0;
        return true;
    }

    boolean inboundDone() {
        return inboundDone;
    }

    boolean rawEof() {
        return rawEof;
    }

    /**
     * The first record received, whole, at its start (a client's hello), or {@code null} until it is in; the record
     * stays for the engine. A view that is no TLS record header comes back as it is, for the engine to refuse.
     */
    ByteBuffer firstRecord() {
        refill();
        if (netIn == null) {
            return null;
        }
        ByteBuffer view = netIn.duplicate().flip();
        int length = TlsRecords.length(view);
        if (length == 0 || length > 0 && view.remaining() < length) {
            return null;
        }
        return length < 0 ? view : view.limit(length);
    }

    /** Decrypts the whole records received; returns whether it consumed any. */
    boolean unwrapRecords(SSLEngine engine) throws SSLException {
        boolean progressed = false;
        while (true) {
            refill();
            boolean more = unwrapBuffered(engine);
            progressed |= more;
            if (!more || pendingRaw == null) {
                return progressed;
            }
        }
    }

    /** Moves what fits of the last read below into {@code netIn}, after the partial record it may hold. */
    private void refill() {
        ByteBuffer raw = pendingRaw;
        if (raw == null) {
            return;
        }
        if (netIn == null) {
            netIn = TlsBufferPool.acquire(TlsBufferPool.SIZE);
        }
        int k = Math.min(raw.remaining(), netIn.remaining());
        int limit = raw.limit();
        netIn.put(raw.limit(raw.position() + k));
        raw.limit(limit);
        if (!raw.hasRemaining()) {
            pendingRaw = null;
            sizer.recycle(raw, pendingRawCount);
        }
    }

    /** Decrypts the whole records in {@code netIn}; returns whether it consumed any. */
    private boolean unwrapBuffered(SSLEngine engine) throws SSLException {
        if (inboundDone || netIn == null || netIn.position() == 0) {
            return false;
        }
        boolean progressed = false;
        netIn.flip();
        try {
            while (netIn.hasRemaining() && !inboundDone) {
                int length = TlsRecords.length(netIn);
                if (length == 0 || length > 0 && netIn.remaining() < length) {
                    break; // the rest of the record is on its way
                }
                ByteBuffer target = unwrapTarget(engine);
                if (target == null) {
                    break; // decrypted bytes wait for the connection's next read
                }
                SSLEngineResult r = engine.unwrap(netIn, target);
                if (target == readDst) {
                    producedIntoDst += r.bytesProduced();
                }
                switch (r.getStatus()) {
                    case BUFFER_UNDERFLOW:
                        return progressed; // an unframed start (an SSLv2 hello) wants more
                    case BUFFER_OVERFLOW:
                        if (!makeRoomForPlaintext(engine, target)) {
                            return progressed;
                        }
                        continue;
                    case CLOSED:
                        inboundDone = true;
                        break;
                    default:
                        break;
                }
                progressed |= r.bytesConsumed() > 0;
                if (!tls.afterUnwrap(r) || r.bytesConsumed() == 0 && r.bytesProduced() == 0) {
                    break;
                }
            }
        } finally {
            netIn.compact();
            if (netIn.position() == 0) {
                TlsBufferPool.release(netIn, false, 0);
                netIn = null;
            }
            if (appIn != null && appInRead == appIn.position()) {
                releaseAppIn(); // a handshake or ticket record gave no plaintext: hold no buffer while idle
            }
        }
        return progressed;
    }

    /**
     * Where the next record's plaintext goes: straight into the connection's read buffer when it waits and nothing
     * decrypted is queued before, else the layer's own buffer.
     */
    private ByteBuffer unwrapTarget(SSLEngine engine) {
        boolean queued = appIn != null && appInRead < appIn.position();
        if (readHandler != null && !queued && readDst.hasRemaining() && !intoDstOverflowed) {
            return readDst;
        }
        if (appIn == null) {
            appIn = TlsBufferPool.acquire(engine.getSession().getApplicationBufferSize());
            appInRead = 0;
        } else if (!queued) {
            appIn.clear();
            appInRead = 0;
        }
        return appIn;
    }

    /** An unwrap found no room in {@code target}; returns whether it is worth trying again. */
    private boolean makeRoomForPlaintext(SSLEngine engine, ByteBuffer target) {
        if (target == readDst) {
            intoDstOverflowed = true;
            return true;
        }
        if (appInRead < appIn.position()) {
            return false; // full of bytes the connection has not read: wait for it
        }
        int needed = engine.getSession().getApplicationBufferSize(); // asked again: the engine may have grown it
        if (appIn.capacity() >= needed) {
            throw new IllegalStateException("the TLS engine reports no room in an empty buffer of "
                    + appIn.capacity() + " bytes for " + needed);
        }
        TlsBufferPool.release(appIn, true, 0);
        appIn = ByteBuffer.allocate(needed);
        appInRead = 0;
        return true;
    }

    /**
     * Completes the connection's read with decrypted bytes, the end of the stream, or a failure, if one is due:
     * {@code failure} (the layer's) comes after the plaintext decrypted before it. While a close waits for the
     * peer's {@code close_notify}, plaintext is dropped.
     */
    void deliver(Throwable failure, boolean discard) {
        if (discard) {
            discardPlaintext();
        }
        CompletionHandler<Integer, Object> h = readHandler;
        if (h == null) {
            return;
        }
        int n = 0;
        Throwable f = null;
        if (producedIntoDst > 0) {
            n = producedIntoDst;
        } else if (appIn != null && appInRead < appIn.position()) {
            n = Math.min(appIn.position() - appInRead, readDst.remaining());
            readDst.put(appIn.array(), appIn.arrayOffset() + appInRead, n);
            appInRead += n;
            if (appInRead == appIn.position()) {
                releaseAppIn();
            }
        } else if (inboundDone) {
            n = -1;
        } else if (failure != null) {
            f = failure;
        } else if (inboundFailure != null) {
            f = inboundFailure;
        } else if (rawEof && tls.handshakeDone()) {
            f = endWithoutCloseNotify();
            n = -1;
        } else {
            return;
        }
        Object a = readAttachment;
        readHandler = null;
        readDst = null;
        readAttachment = null;
        producedIntoDst = 0;
        intoDstOverflowed = false;
        if (f != null) {
            h.failed(f, a);
        } else {
            h.completed(n, a);
        }
    }

    /** The raw stream ended with no {@code close_notify} and nothing decryptable left: a truncation, or a ragged end. */
    private Throwable endWithoutCloseNotify() {
        boolean midRecord = netIn != null && netIn.position() > 0 || pendingRaw != null;
        if (!midRecord && tls.raggedEofAllowed()) {
            inboundDone = true;
            return null;
        }
        inboundFailure = new TlsTruncationException(midRecord
                ? "the peer's stream ended in the middle of a TLS record"
                : "the peer's stream ended without TLS close_notify: the data may be truncated");
        return inboundFailure;
    }

    private void discardPlaintext() {
        if (appIn != null) {
            releaseAppIn();
        }
    }

    private void releaseAppIn() {
        TlsBufferPool.release(appIn, true, appIn.position());
        appIn = null;
        appInRead = 0;
    }

    /**
     * Issues a read below if none is in flight and {@code needRecords} (a handshake, a close waiting for the peer)
     * or no decrypted bytes wait for the connection; never after the end, a failure, or the peer's close_notify, and
     * never while a whole record's worth waits undecrypted or the last read's bytes are not all taken, so what the
     * layer holds stays bounded: one read (64 KiB at most) and one record buffer.
     */
    void readBelowIfWanted(boolean needRecords) {
        if (rawReadInFlight || rawEof || inboundFailure != null || pendingRaw != null
                || netIn != null && netIn.position() >= TlsRecords.MAX_RECORD) {
            return; // a whole record waits for the engine (its tasks, or room for its plaintext): read no more
        }
        boolean plaintextWaiting = appIn != null && appInRead < appIn.position() || producedIntoDst > 0;
        if (needRecords ? inboundDone && !tls.awaitingPeerCloseNotify() : inboundDone || plaintextWaiting) {
            return;
        }
        rawReadInFlight = true;
        ByteBuffer b = sizer.nextBuffer();
        try {
            lower.read(b, b, rawRead);
        } catch (RuntimeException e) {
            rawRead.failed(e, b);
        }
    }

    private void rawReadCompleted(int n, ByteBuffer b) {
        rawReadInFlight = false;
        if (n < 0) {
            rawEof = true;
        } else {
            pendingRaw = b.flip();
            pendingRawCount = n;
        }
        tls.readBelowDone(n < 0);
    }

    private void rawReadFailed(Throwable e) {
        rawReadInFlight = false;
        inboundFailure = e;
        tls.readBelowFailed(e);
    }

    /** Lets go of the buffers: the layer is closed. */
    void release() {
        discardPlaintext();
        pendingRaw = null;
        if (netIn != null) {
            TlsBufferPool.release(netIn, false, 0);
            netIn = null;
        }
    }

    /** The read below: its outcome hops to the executor. One per layer, since at most one is in flight. */
    private final class RawRead implements CompletionHandler<Integer, ByteBuffer>, Runnable {
        private int count;
        private ByteBuffer buffer;
        private Throwable failure;

        @Override
        public void completed(Integer n, ByteBuffer b) {
            count = n;
            buffer = b;
            tls.executor().execute(this);
        }

        @Override
        public void failed(Throwable e, ByteBuffer b) {
            failure = e;
            buffer = b;
            tls.executor().execute(this);
        }

        @Override
        public void run() {
            Throwable e = failure;
            ByteBuffer b = buffer;
            failure = null;
            buffer = null;
            if (tls.isClosed()) {
                rawReadInFlight = false;
            } else if (e != null) {
                rawReadFailed(e);
            } else {
                rawReadCompleted(count, b);
            }
        }
    }
}
