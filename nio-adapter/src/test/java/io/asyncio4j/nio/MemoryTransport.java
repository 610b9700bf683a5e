package io.asyncio4j.nio;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.CompletionHandler;
import java.nio.channels.ReadPendingException;
import java.nio.channels.WritePendingException;
import java.util.concurrent.Executor;

/**
 * One end of an in-process byte stream: a {@link ByteTransport} whose writes reach the other end through a bounded
 * buffer in each direction, as through a socket's kernel buffers. A write takes what fits and completes with that
 * count, or waits while nothing fits until the other end reads; a read takes what is buffered, or waits. Half-close
 * ({@link #shutdownOutput}), {@link #close} and {@link #reset} reach the other end as the end of the stream, a
 * broken pipe for its writes, and a connection reset for everything.
 *
 * <p>Threads, as NIO.2's: an operation that can complete at once completes inside the call, on the calling thread
 * (reads only if {@code synchronousReads}, else as when the JDK is told to wait for readiness); one that waits is
 * completed when the other end's action lets it, through this end's {@code wakeups} executor. A test that feeds a
 * connection on its own thread passes {@code Runnable::run}: everything then happens inside the feeding call.
 *
 * <p>{@link #pair} makes two connected ends; {@link #loopback} one end whose writes come back as its own reads.
 */
final class MemoryTransport implements ByteTransport {

    private static final InetSocketAddress ADDRESS = new InetSocketAddress(InetAddress.getLoopbackAddress(), 1);

    /** Guards both ends of a pair: every change of state, and the buffers. */
    private final Object lock;
    /** What the other end wrote and this end has not read yet. */
    private final Buffer in;
    private final Executor wakeups;
    private final boolean synchronousReads;
    private MemoryTransport other;

    private final Runnable readWakeup = this::completeWaitingRead;
    private final Runnable writeWakeup = this::continueWaitingWrite;

    // The read outstanding, if any.
    private ByteBuffer readDst;
    private Object readAttachment;
    private CompletionHandler<Integer, Object> readHandler;
    private boolean readWakeupDue;

    // The write outstanding, if any: one buffer (singleHandler) or a gathering write (gatherHandler).
    private final ByteBuffer[] oneSrc = new ByteBuffer[1];
    private ByteBuffer[] writeSrcs;
    private int writeOffset;
    private int writeLength;
    private Object writeAttachment;
    private CompletionHandler<Integer, Object> singleHandler;
    private CompletionHandler<Long, Object> gatherHandler;
    private boolean writeWakeupDue;

    /** This end was closed or reset: its operations fail. */
    private boolean closed;
    private boolean outputShut;
    /** The other end shut its output or closed: once the buffered bytes are read, the end of the stream. */
    private boolean inputEnded;
    /** The other end reset: reads fail with this. */
    private IOException inputFailure;
    /** Writes fail with this: the other end closed (a broken pipe) or reset. */
    private IOException outputFailure;

    private MemoryTransport(Object lock, int inCapacity, Executor wakeups, boolean synchronousReads) {
        this.lock = lock;
        this.in = new Buffer(inCapacity);
        this.wakeups = wakeups;
        this.synchronousReads = synchronousReads;
    }

    /**
     * Two connected ends. The returned end is meant for the code under test; its {@link #peer()} completes what it
     * waits for inline, on the thread that lets it, and reads synchronously.
     *
     * @param inCapacity       how many bytes the other end's writes may have buffered toward the returned end
     * @param outCapacity      how many bytes the returned end's writes may have buffered toward the other end
     * @param wakeups          where the returned end's waiting operations complete
     * @param synchronousReads whether the returned end's reads complete inside the call when bytes are waiting
     */
    static MemoryTransport pair(int inCapacity, int outCapacity, Executor wakeups, boolean synchronousReads) {
        Object lock = new Object();
        MemoryTransport near = new MemoryTransport(lock, inCapacity, wakeups, synchronousReads);
        MemoryTransport far = new MemoryTransport(lock, outCapacity, Runnable::run, true);
        near.other = far;
        far.other = near;
        return near;
    }

    /** One end whose writes, buffered up to {@code capacity} bytes, are what it reads next. */
    static MemoryTransport loopback(int capacity, Executor wakeups, boolean synchronousReads) {
        MemoryTransport self = new MemoryTransport(new Object(), capacity, wakeups, synchronousReads);
        self.other = self;
        return self;
    }

    /** The other end of a {@link #pair}. */
    MemoryTransport peer() {
        return other;
    }

    /** Whether a read is outstanding, that is, this end wants bytes. */
    boolean readPending() {
        synchronized (lock) {
            return readHandler != null;
        }
    }

    /** How many bytes the outstanding read can take. */
    int readRoom() {
        synchronized (lock) {
            if (readHandler == null) {
                throw new IllegalStateException("no read outstanding");
            }
            return readDst.remaining();
        }
    }

    /**
     * The other end writes {@code len} bytes of {@code src} from {@code off}, at most {@link #readRoom()}: with
     * inline wakeups and synchronous reads they complete the outstanding read inside this call, and the reader's
     * response, which may deliver again, runs nested in it.
     */
    void deliver(byte[] src, int off, int len) {
        if (len > readRoom()) {
            throw new IllegalArgumentException(len + " bytes do not fit the read's " + readRoom());
        }
        other.write(ByteBuffer.wrap(src, off, len), null, IGNORED);
    }

    /** The other end shuts its output: the outstanding read completes with the end of the stream. */
    void deliverEof() {
        other.shutdownOutput();
    }

    /**
     * Closes this end abortively, as a socket closed with SO_LINGER 0: the other end's pending and later reads and
     * writes fail with an {@link IOException}, and what it had not read yet is lost.
     */
    void reset() {
        end(true);
    }

    // ---------------------------------------------------------------------------------------------- reading

    @Override
    @SuppressWarnings("unchecked")
    public <A> void read(ByteBuffer dst, A attachment, CompletionHandler<Integer, ? super A> handler) {
        CompletionHandler<Integer, Object> h = (CompletionHandler<Integer, Object>) handler;
        int n = 0;
        Throwable failure = null;
        boolean wakeWriter = false;
        boolean dueNow = false;
        synchronized (lock) {
            if (readHandler != null) {
                throw new ReadPendingException();
            }
            if (closed) {
                failure = new ClosedChannelException();
            } else if (dst.hasRemaining() && (!synchronousReads || !readable())) {
                readDst = dst;
                readAttachment = attachment;
                readHandler = h;
                if (!readWakeNeeded()) {
                    return; // waits for the other end
                }
                dueNow = true;
            } else if (dst.hasRemaining()) {
                failure = inputFailure;
                n = failure == null ? take(dst) : 0;
                wakeWriter = other.writeWakeNeeded();
            }
        }
        if (dueNow) {
            wakeups.execute(readWakeup); // a readiness read: bytes wait, it completes through the wake-ups
            return;
        }
        if (wakeWriter) {
            other.wakeups.execute(other.writeWakeup);
        }
        complete(h, attachment, n, failure);
    }

    /** Under the lock: whether a read would complete now. */
    private boolean readable() {
        return in.size() > 0 || inputEnded || inputFailure != null;
    }

    /** Under the lock: moves buffered bytes into {@code dst}; -1 at the end of the stream. */
    private int take(ByteBuffer dst) {
        if (in.size() == 0) {
            return inputEnded ? -1 : 0;
        }
        return in.take(dst);
    }

    /** Under the lock: marks the waiting read due if it can complete now; the caller then runs its wake-up. */
    private boolean readWakeNeeded() {
        if (readHandler == null || readWakeupDue || !readable()) {
            return false;
        }
        readWakeupDue = true;
        return true;
    }

    private void completeWaitingRead() {
        Object attachment;
        CompletionHandler<Integer, Object> handler;
        int n;
        Throwable failure;
        boolean wakeWriter;
        synchronized (lock) {
            if (readHandler == null || !readWakeupDue) {
                return; // failed by a close meanwhile
            }
            readWakeupDue = false;
            attachment = readAttachment;
            handler = readHandler;
            failure = inputFailure;
            n = failure == null ? take(readDst) : 0;
            clearRead();
            wakeWriter = other.writeWakeNeeded();
        }
        if (wakeWriter) {
            other.wakeups.execute(other.writeWakeup);
        }
        complete(handler, attachment, n, failure);
    }

    private void clearRead() {
        readDst = null;
        readAttachment = null;
        readHandler = null;
        readWakeupDue = false;
    }

    private static void complete(CompletionHandler<Integer, Object> handler, Object attachment, int n,
                                 Throwable failure) {
        if (failure != null) {
            handler.failed(failure, attachment);
        } else {
            handler.completed(n, attachment);
        }
    }

    // ---------------------------------------------------------------------------------------------- writing

    @Override
    @SuppressWarnings("unchecked")
    public <A> void write(ByteBuffer src, A attachment, CompletionHandler<Integer, ? super A> handler) {
        startWrite(src, null, 0, 1, attachment, (CompletionHandler<Integer, Object>) handler, null);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <A> void write(ByteBuffer[] srcs, int offset, int length, A attachment,
                          CompletionHandler<Long, ? super A> handler) {
        startWrite(null, srcs, offset, length, attachment, null, (CompletionHandler<Long, Object>) handler);
    }

    /** Writes {@code src}, or if it is {@code null} the gathering {@code srcs[offset .. offset+length)}. */
    private void startWrite(ByteBuffer src, ByteBuffer[] srcs, int offset, int length, Object attachment,
                            CompletionHandler<Integer, Object> single, CompletionHandler<Long, Object> gather) {
        long n = 0;
        Throwable failure = null;
        boolean wakeReader = false;
        synchronized (lock) {
            if (writeSrcs != null) {
                throw new WritePendingException();
            }
            if (src != null) {
                oneSrc[0] = src; // one write outstanding at a time: the array is free
                srcs = oneSrc;
            }
            if (closed || outputShut) {
                failure = new ClosedChannelException();
            } else if (outputFailure != null) {
                failure = outputFailure;
            } else {
                n = other.in.put(srcs, offset, length);
                if (n == 0 && remaining(srcs, offset, length) > 0) {
                    writeSrcs = srcs;
                    writeOffset = offset;
                    writeLength = length;
                    writeAttachment = attachment;
                    singleHandler = single;
                    gatherHandler = gather;
                    return; // waits until the other end reads
                }
                wakeReader = other.readWakeNeeded();
            }
            oneSrc[0] = null;
        }
        if (wakeReader) {
            other.wakeups.execute(other.readWakeup);
        }
        complete(single, gather, attachment, n, failure);
    }

    /** Under the lock: marks the waiting write due if it can go on now; the caller then runs its wake-up. */
    private boolean writeWakeNeeded() {
        if (writeSrcs == null || writeWakeupDue || other.in.room() == 0 && outputFailure == null) {
            return false;
        }
        writeWakeupDue = true;
        return true;
    }

    private void continueWaitingWrite() {
        CompletionHandler<Integer, Object> single;
        CompletionHandler<Long, Object> gather;
        Object attachment;
        long n = 0;
        Throwable failure;
        boolean wakeReader = false;
        synchronized (lock) {
            if (writeSrcs == null || !writeWakeupDue) {
                return; // failed by a close meanwhile
            }
            writeWakeupDue = false;
            failure = outputFailure;
            if (failure == null) {
                n = other.in.put(writeSrcs, writeOffset, writeLength);
                if (n == 0) {
                    return; // still full: the other end's next read wakes it again
                }
                wakeReader = other.readWakeNeeded();
            }
            single = singleHandler;
            gather = gatherHandler;
            attachment = writeAttachment;
            clearWrite();
        }
        if (wakeReader) {
            other.wakeups.execute(other.readWakeup);
        }
        complete(single, gather, attachment, n, failure);
    }

    private void clearWrite() {
        oneSrc[0] = null;
        writeSrcs = null;
        writeAttachment = null;
        singleHandler = null;
        gatherHandler = null;
        writeWakeupDue = false;
    }

    private static void complete(CompletionHandler<Integer, Object> single, CompletionHandler<Long, Object> gather,
                                 Object attachment, long n, Throwable failure) {
        if (single != null) {
            complete(single, attachment, (int) n, failure);
        } else if (failure != null) {
            gather.failed(failure, attachment);
        } else {
            gather.completed(n, attachment);
        }
    }

    private static long remaining(ByteBuffer[] srcs, int offset, int length) {
        long n = 0;
        for (int i = offset; i < offset + length; i++) {
            n += srcs[i].remaining();
        }
        return n;
    }

    // ---------------------------------------------------------------------------------------------- ending

    @Override
    public void shutdownOutput() {
        boolean wakeReader;
        synchronized (lock) {
            if (closed || outputShut) {
                return;
            }
            outputShut = true;
            other.inputEnded = true;
            wakeReader = other.readWakeNeeded();
        }
        if (wakeReader) {
            other.wakeups.execute(other.readWakeup);
        }
    }

    /** Closes this end: the other end reads the end of the stream, and its writes fail as on a broken pipe. */
    @Override
    public void close() {
        end(false);
    }

    /**
     * Closes this end: its own waiting operations fail with {@link AsynchronousCloseException}, what it had not read
     * is dropped; the other end reads the end of the stream and its writes fail, or after a reset its reads fail too
     * and what it had not read is lost.
     */
    private void end(boolean reset) {
        CompletionHandler<Integer, Object> read;
        Object readAtt;
        CompletionHandler<Integer, Object> single;
        CompletionHandler<Long, Object> gather;
        Object writeAtt;
        boolean wakeReader = false;
        boolean wakeWriter = false;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            read = readHandler;
            readAtt = readAttachment;
            clearRead();
            single = singleHandler;
            gather = gatherHandler;
            writeAtt = writeAttachment;
            clearWrite();
            in.clear();
            if (other != this) {
                IOException failure = new IOException(reset ? "Connection reset by peer" : "Broken pipe");
                other.inputEnded = true;
                if (reset) {
                    other.inputFailure = failure;
                    other.in.clear();
                }
                if (other.outputFailure == null) {
                    other.outputFailure = failure;
                }
                wakeReader = other.readWakeNeeded();
                wakeWriter = other.writeWakeNeeded();
            }
        }
        if (wakeReader) {
            other.wakeups.execute(other.readWakeup);
        }
        if (wakeWriter) {
            other.wakeups.execute(other.writeWakeup);
        }
        // As NIO.2, the operations a close fails are completed from elsewhere than the closing call.
        if (read != null) {
            wakeups.execute(() -> read.failed(new AsynchronousCloseException(), readAtt));
        }
        if (single != null || gather != null) {
            wakeups.execute(() -> complete(single, gather, writeAtt, 0, new AsynchronousCloseException()));
        }
    }

    // ---------------------------------------------------------------------------------------------- the rest

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

    @Override
    public String toString() {
        synchronized (lock) {
            return "MemoryTransport[" + in.size() + " bytes in" + (readHandler != null ? ", reading" : "")
                    + (writeSrcs != null ? ", writing" : "") + (inputEnded ? ", input ended" : "")
                    + (closed ? ", closed" : "") + "]";
        }
    }

    private static final CompletionHandler<Integer, Object> IGNORED = new CompletionHandler<>() {
        @Override
        public void completed(Integer n, Object attachment) {
        }

        @Override
        public void failed(Throwable e, Object attachment) {
        }
    };

    /** A bounded ring of bytes: one direction's kernel buffer. */
    private static final class Buffer {
        private final byte[] bytes;
        private int head;
        private int size;

        Buffer(int capacity) {
            if (capacity <= 0) {
                throw new IllegalArgumentException("capacity must be positive: " + capacity);
            }
            bytes = new byte[capacity];
        }

        int size() {
            return size;
        }

        int room() {
            return bytes.length - size;
        }

        /** Appends what fits of {@code srcs[offset .. offset+length)}, advancing them; returns the count. */
        long put(ByteBuffer[] srcs, int offset, int length) {
            long n = 0;
            for (int i = offset; i < offset + length && room() > 0; i++) {
                ByteBuffer src = srcs[i];
                while (src.hasRemaining() && room() > 0) {
                    int tail = (head + size) % bytes.length;
                    int chunk = Math.min(src.remaining(), Math.min(room(), bytes.length - tail));
                    src.get(bytes, tail, chunk);
                    size += chunk;
                    n += chunk;
                }
            }
            return n;
        }

        /** Moves up to {@code dst.remaining()} bytes into {@code dst}; returns the count. */
        int take(ByteBuffer dst) {
            int n = 0;
            while (size > 0 && dst.hasRemaining()) {
                int chunk = Math.min(dst.remaining(), Math.min(size, bytes.length - head));
                dst.put(bytes, head, chunk);
                head = (head + chunk) % bytes.length;
                size -= chunk;
                n += chunk;
            }
            return n;
        }

        void clear() {
            head = 0;
            size = 0;
        }
    }
}
