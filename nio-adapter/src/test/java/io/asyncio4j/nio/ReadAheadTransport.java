package io.asyncio4j.nio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.CompletionHandler;
import java.nio.channels.ReadPendingException;

/**
 * A pass-through layer that owns its raw read, as a TLS layer must (its engine reads on to finish a handshake or see
 * close_notify while the user reads nothing): it keeps one read of the transport under it in flight whether or not
 * the connection above reads, buffers what arrives, and serves the connection's reads from that buffer, inside the
 * call when bytes are there. A full buffer pauses the raw reads until the connection takes some: a pause parks
 * bytes, it never cancels a read. The end of the stream and a failure reach the connection after the bytes that came
 * before them; writes and the rest pass straight through.
 */
final class ReadAheadTransport extends ForwardingTransport {

    private static final int RAW_READ = 16 * 1024;
    private static final int CAPACITY = 64 * 1024;

    private final ByteBuffer rawBuffer = ByteBuffer.allocateDirect(RAW_READ);
    private final RawCompletion rawCompletion = new RawCompletion();

    // Guarded by this.
    /** Bytes read ahead and not yet taken, in write mode: its position is their count. */
    private final ByteBuffer ahead = ByteBuffer.allocate(CAPACITY);
    private boolean rawInFlight;
    private boolean ended;
    private Throwable failure;
    private boolean closed;
    private ByteBuffer readDst;
    private Object readAttachment;
    private CompletionHandler<Integer, Object> readHandler;

    /** Starts reading {@code raw} at once, before anyone reads this transport. */
    ReadAheadTransport(ByteTransport raw) {
        super(raw);
        readAhead();
    }

    /** How many bytes it has read ahead that the connection has not taken yet. */
    synchronized int aheadBytes() {
        return ahead.position();
    }

    /** Issues the raw read unless one is in flight, the stream is over, or the buffer is full. */
    private void readAhead() {
        synchronized (this) {
            if (rawInFlight || ended || failure != null || closed || !ahead.hasRemaining()) {
                return;
            }
            rawInFlight = true;
            rawBuffer.clear().limit(Math.min(RAW_READ, ahead.remaining()));
        }
        try {
            lower.read(rawBuffer, null, rawCompletion);
        } catch (RuntimeException e) {
            rawCompletion.failed(e, null);
        }
    }

    /** The raw read's outcome: bytes, the end of the stream or a failure join the buffer, then serve a waiting read. */
    private final class RawCompletion implements CompletionHandler<Integer, Void> {
        @Override
        public void completed(Integer n, Void unused) {
            arrived(n, null);
        }

        @Override
        public void failed(Throwable e, Void unused) {
            arrived(0, e);
        }

        private void arrived(int n, Throwable e) {
            Served served;
            synchronized (ReadAheadTransport.this) {
                rawInFlight = false;
                if (e != null) {
                    failure = e;
                } else if (n < 0) {
                    ended = true;
                } else {
                    ahead.put(rawBuffer.flip());
                }
                served = readHandler == null ? null : serve(readDst, readAttachment, readHandler);
                if (served != null) {
                    readDst = null;
                    readAttachment = null;
                    readHandler = null;
                }
            }
            if (served != null) {
                served.complete();
            }
            readAhead();
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <A> void read(ByteBuffer dst, A attachment, CompletionHandler<Integer, ? super A> handler) {
        CompletionHandler<Integer, Object> h = (CompletionHandler<Integer, Object>) handler;
        Served served;
        synchronized (this) {
            if (readHandler != null) {
                throw new ReadPendingException();
            }
            served = closed ? new Served(h, attachment, 0, new ClosedChannelException())
                    : serve(dst, attachment, h);
            if (served == null) {
                readDst = dst;
                readAttachment = attachment;
                readHandler = h;
                return; // the raw read in flight serves it
            }
        }
        served.complete();
        readAhead(); // the buffer may have been full
    }

    /** Under the lock: the outcome of a read of {@code dst} now, or {@code null} if it must wait. */
    private Served serve(ByteBuffer dst, Object attachment, CompletionHandler<Integer, Object> handler) {
        if (ahead.position() > 0) {
            ahead.flip();
            int n = Math.min(ahead.remaining(), dst.remaining());
            dst.put(ahead.slice(ahead.position(), n));
            ahead.position(ahead.position() + n).compact();
            return new Served(handler, attachment, n, null);
        }
        if (ended) {
            return new Served(handler, attachment, -1, null);
        }
        if (failure != null) {
            return new Served(handler, attachment, 0, failure);
        }
        return null;
    }

    /** A read's outcome, delivered once the lock is let go. */
    private record Served(CompletionHandler<Integer, Object> handler, Object attachment, int n, Throwable failure) {
        void complete() {
            if (failure != null) {
                handler.failed(failure, attachment);
            } else {
                handler.completed(n, attachment);
            }
        }
    }

    @Override
    public void close() throws IOException {
        Served failed = null;
        synchronized (this) {
            closed = true;
            if (readHandler != null) {
                failed = new Served(readHandler, readAttachment, 0, new AsynchronousCloseException());
                readDst = null;
                readAttachment = null;
                readHandler = null;
            }
        }
        try {
            lower.close();
        } finally {
            if (failed != null) {
                failed.complete();
            }
        }
    }

}
