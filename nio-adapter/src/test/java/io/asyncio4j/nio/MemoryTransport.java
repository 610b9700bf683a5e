package io.asyncio4j.nio;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.CompletionHandler;

/**
 * An in-process {@link ByteTransport} whose inbound bytes the test hands over, segment by segment, on its own
 * thread: {@link #deliver} completes the connection's outstanding socket read with the next bytes, as a socket
 * would when a segment arrives. Writes are accepted whole and dropped. Single-threaded: everything the connection
 * does in response (claiming, delivering to the reader, issuing the next read) happens inside {@link #deliver}.
 */
final class MemoryTransport implements ByteTransport {

    private static final InetSocketAddress ADDRESS = new InetSocketAddress("127.0.0.1", 1);

    private ByteBuffer readDst;
    private Object readAttachment;
    private CompletionHandler<Integer, Object> readHandler;
    private boolean closed;

    /** Whether the connection has a socket read outstanding, that is, wants bytes. */
    boolean readPending() {
        return readHandler != null;
    }

    /** How many bytes the outstanding read can take. */
    int readRoom() {
        if (readHandler == null) {
            throw new IllegalStateException("no read outstanding");
        }
        return readDst.remaining();
    }

    /**
     * Completes the outstanding read with {@code len} bytes of {@code src} from {@code off}, at most
     * {@link #readRoom()}. The connection's response runs inside this call and may deliver again, nested.
     */
    void deliver(byte[] src, int off, int len) {
        if (len > readRoom()) {
            throw new IllegalArgumentException(len + " bytes do not fit the read's " + readRoom());
        }
        ByteBuffer dst = readDst;
        Object attachment = readAttachment;
        CompletionHandler<Integer, Object> h = takeRead();
        dst.put(src, off, len);
        h.completed(len, attachment);
    }

    /** Completes the outstanding read with the end of the stream. */
    void deliverEof() {
        Object attachment = readAttachment;
        takeRead().completed(-1, attachment);
    }

    private CompletionHandler<Integer, Object> takeRead() {
        if (readHandler == null) {
            throw new IllegalStateException("no read outstanding");
        }
        CompletionHandler<Integer, Object> h = readHandler;
        readHandler = null;   // the handler may issue the next read before it returns
        return h;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <A> void read(ByteBuffer dst, A attachment, CompletionHandler<Integer, ? super A> handler) {
        if (readHandler != null) {
            throw new IllegalStateException("a read is already outstanding");
        }
        if (closed) {
            handler.failed(new AsynchronousCloseException(), attachment);
            return;
        }
        readDst = dst;
        readAttachment = attachment;
        readHandler = (CompletionHandler<Integer, Object>) handler;
    }

    @Override
    public <A> void write(ByteBuffer src, A attachment, CompletionHandler<Integer, ? super A> handler) {
        int n = src.remaining();
        src.position(src.limit());
        handler.completed(n, attachment);
    }

    @Override
    public <A> void write(ByteBuffer[] srcs, int offset, int length, A attachment,
                          CompletionHandler<Long, ? super A> handler) {
        long n = 0;
        for (int i = offset; i < offset + length; i++) {
            n += srcs[i].remaining();
            srcs[i].position(srcs[i].limit());
        }
        handler.completed(n, attachment);
    }

    @Override
    public void shutdownOutput() {
    }

    @Override
    public void close() throws IOException {
        closed = true;
        if (readHandler != null) {
            takeRead().failed(new AsynchronousCloseException(), readAttachment);
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return ADDRESS;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return ADDRESS;
    }

    @Override
    public <T> T getOption(SocketOption<T> option) {
        throw new UnsupportedOperationException(option.name());
    }

    @Override
    public <T> void setOption(SocketOption<T> option, T value) {
        throw new UnsupportedOperationException(option.name());
    }
}
