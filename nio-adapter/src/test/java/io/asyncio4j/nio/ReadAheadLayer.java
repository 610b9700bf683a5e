package io.asyncio4j.nio;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;
import java.nio.channels.ReadPendingException;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * A layer that owns its read loop, as TLS will: it keeps one read of the transport below in flight from the start,
 * whether or not the connection asks, into a buffer of its own; parks each chunk that arrives while nobody reads;
 * and serves the connection's read from the parked chunks, one chunk per read, inline when one is parked, else once
 * the next chunk arrives. It stops reading below while {@link #PARK_LIMIT} bytes are parked and never cancels a
 * read below. Completions of the connection's reads that wait for a chunk go through {@code completer}: the thread
 * the read below completed on, or another of the test's choosing.
 */
final class ReadAheadLayer implements ByteTransport {

    static final int PARK_LIMIT = 16 * 1024;

    private final ByteTransport lower;
    private final Executor completer;
    private final ByteBuffer own = ByteBuffer.allocateDirect(4096);
    private final LowerRead lowerRead = new LowerRead();
    /** Guarded by this. */
    private final ArrayDeque<ByteBuffer> parked = new ArrayDeque<>();
    private int parkedBytes;
    private boolean lowerInFlight;
    private boolean ended;
    private Throwable failure;
    private ByteBuffer waitingDst;
    private Object waitingAttachment;
    private CompletionHandler<Integer, Object> waitingHandler;
    /** How many reads below completed: the layer reads whatever the connection does. */
    private int lowerReads;

    ReadAheadLayer(ByteTransport lower, Executor completer) {
        this.lower = lower;
        this.completer = completer;
        readBelowIfRoom();
    }

    ReadAheadLayer(ByteTransport lower) {
        this(lower, Runnable::run);
    }

    synchronized int lowerReads() {
        return lowerReads;
    }

    synchronized int parkedBytes() {
        return parkedBytes;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <A> void read(ByteBuffer dst, A attachment, CompletionHandler<Integer, ? super A> handler) {
        int n;
        Throwable f;
        synchronized (this) {
            if (waitingHandler != null) {
                throw new ReadPendingException();
            }
            n = serve(dst);
            f = n == 0 ? failure : null;
            if (n == 0 && f == null) {
                waitingDst = dst;
                waitingAttachment = attachment;
                waitingHandler = (CompletionHandler<Integer, Object>) handler;
            }
        }
        readBelowIfRoom();
        if (f != null) {
            handler.failed(f, attachment);
        } else if (n != 0) {
            handler.completed(n, attachment); // inline, on the caller's thread
        }
    }

    /** Under the lock: the first parked chunk, or as much of it as fits; -1 at the end; 0 if nothing is there. */
    private int serve(ByteBuffer dst) {
        ByteBuffer first = parked.peek();
        if (first == null) {
            return ended ? -1 : 0;
        }
        int k = Math.min(first.remaining(), dst.remaining());
        dst.put(dst.position(), first, first.position(), k);
        dst.position(dst.position() + k);
        first.position(first.position() + k);
        if (!first.hasRemaining()) {
            parked.poll();
        }
        parkedBytes -= k;
        return k;
    }

    private void readBelowIfRoom() {
        synchronized (this) {
            if (lowerInFlight || ended || failure != null || parkedBytes >= PARK_LIMIT) {
                return;
            }
            lowerInFlight = true;
        }
        own.clear();
        lower.read(own, null, lowerRead);
    }

    private void lowerCompleted(int n, Throwable e) {
        ByteBuffer dst;
        Object attachment;
        CompletionHandler<Integer, Object> handler;
        int served;
        Throwable f;
        synchronized (this) {
            lowerInFlight = false;
            lowerReads++;
            if (e != null) {
                failure = e;
            } else if (n < 0) {
                ended = true;
            } else {
                own.flip();
                ByteBuffer chunk = ByteBuffer.allocate(n);
                chunk.put(own).flip();
                parked.add(chunk);
                parkedBytes += n;
            }
            handler = waitingHandler;
            dst = waitingDst;
            attachment = waitingAttachment;
            served = handler == null ? 0 : serve(dst);
            f = served == 0 ? failure : null;
            if (handler != null && (served != 0 || f != null)) {
                waitingHandler = null;
                waitingDst = null;
                waitingAttachment = null;
            } else {
                handler = null;
            }
        }
        readBelowIfRoom();
        if (handler != null) {
            CompletionHandler<Integer, Object> h = handler;
            Object a = attachment;
            int count = served;
            completer.execute(() -> {
                if (f != null) {
                    h.failed(f, a);
                } else {
                    h.completed(count, a);
                }
            });
        }
    }

    private final class LowerRead implements CompletionHandler<Integer, Void> {
        @Override
        public void completed(Integer n, Void unused) {
            lowerCompleted(n, null);
        }

        @Override
        public void failed(Throwable e, Void unused) {
            lowerCompleted(0, e);
        }
    }

    @Override
    public <A> void write(ByteBuffer src, A attachment, CompletionHandler<Integer, ? super A> handler) {
        lower.write(src, attachment, handler);
    }

    @Override
    public <A> void write(ByteBuffer[] srcs, int offset, int length, A attachment,
                          CompletionHandler<Long, ? super A> handler) {
        lower.write(srcs, offset, length, attachment, handler);
    }

    @Override
    public void shutdownOutput() throws IOException {
        lower.shutdownOutput();
    }

    @Override
    public void close() throws IOException {
        lower.close();
    }

    @Override
    public SocketAddress localAddress() {
        return lower.localAddress();
    }

    @Override
    public SocketAddress remoteAddress() {
        return lower.remoteAddress();
    }

    @Override
    public <T> T getOption(SocketOption<T> option) throws IOException {
        return lower.getOption(option);
    }

    @Override
    public <T> void setOption(SocketOption<T> option, T value) throws IOException {
        lower.setOption(option, value);
    }
}
