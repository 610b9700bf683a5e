package io.asyncio4j.nio;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.Connection;
import io.asyncio4j.ConnectionAbortedException;
import io.asyncio4j.ConnectionOptions;
import io.asyncio4j.FrameDecoder;
import io.asyncio4j.WriteQueueFullException;
import io.asyncio4j.combinators.Async;
import io.asyncio4j.combinators.AsyncTimer;
import io.asyncio4j.combinators.TimerHandle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.CompletionHandler;
import java.nio.channels.InterruptedByTimeoutException;
import java.nio.charset.Charset;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.concurrent.Executor;

/**
 * {@link Connection} over a {@link ByteTransport}: one read pump filling a bounded {@link InboundBuffer} that user
 * reads take from, and one write queue drained by gathering writes. All state is guarded by {@code lock}; futures
 * are completed outside it, on the connection's {@link SerialExecutor}.
 */
final class StreamConnection implements Connection {

    private static final Logger log = LoggerFactory.getLogger(StreamConnection.class);

    /** Read buffer sizes: start small so idle connections stay cheap, grow while reads fill the buffer. */
    private static final int MIN_READ = 512;
    private static final int INITIAL_READ = 1024;
    private static final int MAX_READ = 64 * 1024;
    private static final int MAX_GATHER = 64;
    private static final int MAX_WRITE_SLICE = 256 * 1024;

    private static final int OPEN = 0;
    private static final int CLOSING = 1;
    private static final int CLOSED = 2;

    private final ByteTransport transport;
    private final ConnectionOptions options;
    private final AsyncTimer timer;
    private final SerialExecutor executor = new SerialExecutor();
    private final Object lock = new Object();
    private final CompletableFuture<Void> closedPromise = new CompletableFuture<>();
    private final ReadHandler readHandler = new ReadHandler();
    private final WriteHandler writeHandler = new WriteHandler();
    private final SingleWriteHandler singleWriteHandler = new SingleWriteHandler();
    private final long idleNanos;

    // Read side, guarded by lock.
    private final InboundBuffer inbound = new InboundBuffer();
    private PendingRead<?> reader;
    private boolean readInFlight;
    private boolean eof;
    private Throwable readFailure;
    private ByteBuffer spareReadBuffer;
    private int readSize = INITIAL_READ;
    private int smallReads;

    // Write side, guarded by lock.
    private final ArrayDeque<WriteRequest> writes = new ArrayDeque<>(3); // grows under pipelined writes
    /** The buffers of the write in flight; grows to {@link #MAX_GATHER} only for connections that gather. */
    private ByteBuffer[] batch = new ByteBuffer[2];
    private int batchCount;
    private long queuedBytes;
    private boolean writeInFlight;
    /** Writes wait for the end of the current callback batch ({@link #flushCorked}); writeInFlight is set. */
    private boolean corked;
    private List<AsyncFuture<Void>> drainWaiters;
    private CompletableFuture<Void> outputShutdown;

    // Lifecycle.
    private volatile int state = OPEN;
    private Throwable closeCause;
    private TimerHandle idleTimer;
    private volatile long lastActivity = System.nanoTime();
    private volatile Consumer<StreamConnection> closedHook;

    StreamConnection(ByteTransport transport, ConnectionOptions options, AsyncTimer timer) {
        this.transport = transport;
        this.options = options;
        this.timer = timer;
        this.idleNanos = options.idleTimeout().toNanos();
        executor.idleHook(this::flushCorked);
    }

    /** Starts the read pump and the idle timer. */
    void start() {
        if (idleNanos > 0) {
            scheduleIdleCheck(idleNanos);
        }
        ByteBuffer buf;
        synchronized (lock) {
            if (!shouldRead()) {
                return;
            }
            readInFlight = true;
            buf = nextReadBuffer();
        }
        issueRead(buf);
    }

    /** Completes when the socket is closed. */
    CompletableFuture<Void> closedPromise() {
        return closedPromise;
    }

    /**
     * Sets what runs on this connection's executor once it is closed, after {@link #closedPromise()} completes:
     * the server's bookkeeping. One hook shared by all of a server's connections, so tracking costs no object per
     * connection. Set before {@link #start()}.
     */
    void onClosed(Consumer<StreamConnection> hook) {
        this.closedHook = hook;
    }

    // ---------------------------------------------------------------------------------------------- reading

    @Override
    public AsyncFuture<ByteBuffer> read(int maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
        }
        return startRead(new PendingRead.Some(maxBytes));
    }

    @Override
    public AsyncFuture<Integer> read(ByteBuffer dst) {
        Objects.requireNonNull(dst, "dst");
        if (!dst.hasRemaining()) {
            throw new IllegalArgumentException("dst has no room: " + dst);
        }
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("dst is read-only");
        }
        return startRead(new PendingRead.Into(dst));
    }

    @Override
    public AsyncFuture<ByteBuffer> read(int maxBytes, IntFunction<ByteBuffer> allocator) {
        Objects.requireNonNull(allocator, "allocator");
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
        }
        return startRead(new PendingRead.Allocated(maxBytes, allocator));
    }

    @Override
    public AsyncFuture<byte[]> readExactly(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must not be negative: " + n);
        }
        return startRead(new PendingRead.Exactly(n));
    }

    @Override
    public AsyncFuture<byte[]> readUntil(byte[] delimiter, int limit) {
        Objects.requireNonNull(delimiter, "delimiter");
        if (delimiter.length == 0) {
            throw new IllegalArgumentException("delimiter must not be empty");
        }
        if (limit < delimiter.length) {
            throw new IllegalArgumentException("limit (" + limit + ") is shorter than the delimiter ("
                    + delimiter.length + " bytes)");
        }
        return startRead(new PendingRead.Until(delimiter.clone(), limit));
    }

    @Override
    public <T> AsyncFuture<T> readFrame(FrameDecoder<T> decoder, int limit) {
        Objects.requireNonNull(decoder, "decoder");
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        return startRead(new PendingRead.Frame<>(decoder, limit));
    }

    @Override
    public AsyncFuture<byte[]> readLine(int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        return startRead(PendingRead.Until.line(limit));
    }

    @Override
    public AsyncFuture<String> readLine(int limit, Charset charset) {
        Objects.requireNonNull(charset, "charset");
        return readLine(limit).thenApply(b -> b == null ? null : new String(b, charset));
    }

    @Override
    public AsyncFuture<byte[]> readToEnd(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative: " + limit);
        }
        return startRead(new PendingRead.ToEnd(limit));
    }

    @Override
    public AsyncFuture<String> readToEnd(int limit, Charset charset) {
        Objects.requireNonNull(charset, "charset");
        return readToEnd(limit).thenApply(b -> new String(b, charset));
    }

    private <T> AsyncFuture<T> startRead(PendingRead<T> r) {
        r.owner = this;
        boolean deliver = false;
        ByteBuffer next = null;
        synchronized (lock) {
            PendingRead<?> current = reader;
            if (current != null) {
                if (!current.future.isDone()) {
                    return AsyncFuture.failed(new IllegalStateException(
                            "a read is already pending on this connection: one read operation at a time"));
                }
                settle(current);
            }
            if (state == CLOSED) {
                r.failWaiting(closeCause);
                deliver = true;
            } else {
                reader = r;
                deliver = r.tryClaim(inbound, eof, readFailure);
                if (shouldRead()) {
                    readInFlight = true;
                    next = nextReadBuffer();
                }
            }
        }
        if (next != null) {
            issueRead(next);
        }
        if (deliver) {
            executor.execute(r);
        }
        return r.future;
    }

    /**
     * A read's cancellation won: detach it, and put back the bytes it had claimed but not delivered. Runs from the
     * cancel and again from a delivery that finds the read cancelled; the later call finds the read detached and
     * does nothing.
     */
    void readCancelled(PendingRead<?> r) {
        ByteBuffer next = null;
        synchronized (lock) {
            if (reader != r) {
                return;
            }
            settle(r);
            if (shouldRead()) {
                readInFlight = true;
                next = nextReadBuffer();
            }
        }
        if (next != null) {
            issueRead(next);
        }
    }

    /** Under lock: retires the current reader once its future is done, undoing a claim that a cancel beat. */
    private void settle(PendingRead<?> r) {
        if (r.state == PendingRead.State.CLAIMED && r.future.isCancelled()) {
            r.restore(inbound);
        }
        r.taken = null;
        r.state = PendingRead.State.SETTLED;
        if (reader == r) {
            reader = null;
        }
    }

    /** Under lock: gives buffered bytes (or the end of the stream) to the waiting reader, if it can use them. */
    private PendingRead<?> claimForReader() {
        PendingRead<?> r = reader;
        if (r == null || r.state != PendingRead.State.WAITING) {
            return null;
        }
        if (r.future.isDone()) {
            settle(r);
            return null;
        }
        return r.tryClaim(inbound, eof, readFailure) ? r : null;
    }

    /** Under lock: whether the pump should have a socket read outstanding now. */
    private boolean shouldRead() {
        return state != CLOSED && !eof && readFailure == null && !readInFlight
                && (inbound.size() < options.readHighWatermark()
                    || reader != null && reader.state == PendingRead.State.WAITING);
    }

    /**
     * Under lock: the buffer for the next socket read. The connection reads into one direct buffer of its own,
     * so the JDK copies nothing on the way in, and copies what arrived into a heap buffer the reader owns. The
     * buffer's size follows the traffic (see {@link #adaptReadSize}); it is replaced only when that size changes.
     */
    private ByteBuffer nextReadBuffer() {
        ByteBuffer b = spareReadBuffer;
        spareReadBuffer = null;
        if (b != null && b.capacity() == readSize) {
            b.clear();
            return b;
        }
        return ByteBuffer.allocateDirect(readSize);
    }

    /**
     * Under lock: when a {@code read(dst)} or {@code read(max, allocator)} waits and nothing is buffered, copies the
     * bytes just read straight into the reader's buffer: a reader that reuses its buffers then costs no allocation
     * per read.
     */
    private PendingRead<?> intoWaitingReader(ByteBuffer buf) {
        PendingRead<?> r = reader;
        if (inbound.size() != 0 || r == null || r.state != PendingRead.State.WAITING || r.future.isDone()) {
            return null;
        }
        return r.claimFromSocket(buf) ? r : null;
    }

    /** Copies the remaining bytes of the socket's read buffer to a heap chunk of exactly that size. */
    private static ByteBuffer copyOut(ByteBuffer buf) {
        ByteBuffer chunk = ByteBuffer.allocate(buf.remaining());
        chunk.put(buf).flip();
        return chunk;
    }

    /**
     * Under lock: the next read's size doubles after a read of {@code n} bytes filled the buffer and halves after
     * two that used less than a quarter of it, between {@link #MIN_READ} and {@link #MAX_READ}: small while a
     * connection is idle, large while data streams in.
     */
    private void adaptReadSize(int n, int capacity) {
        if (n == capacity) {
            smallReads = 0;
            if (readSize < MAX_READ) {
                readSize *= 2;
            }
        } else if (n < capacity / 4 && ++smallReads >= 2) {
            smallReads = 0;
            if (readSize > MIN_READ) {
                readSize /= 2;
            }
        }
    }

    private void issueRead(ByteBuffer buf) {
        try {
            transport.read(buf, buf, readHandler);
        } catch (RuntimeException e) {
            readHandler.failed(e, buf);
        }
    }

    private final class ReadHandler implements CompletionHandler<Integer, ByteBuffer> {
        @Override
        public void completed(Integer n, ByteBuffer buf) {
            PendingRead<?> deliver;
            ByteBuffer next = null;
            synchronized (lock) {
                readInFlight = false;
                if (state == CLOSED) {
                    return;
                }
                if (n < 0) {
                    eof = true;
                    deliver = claimForReader();
                } else {
                    if (idleNanos > 0) {
                        lastActivity = System.nanoTime();
                    }
                    buf.flip();
                    deliver = intoWaitingReader(buf);
                    if (buf.hasRemaining()) {
                        inbound.append(copyOut(buf));
                    }
                    spareReadBuffer = buf;
                    adaptReadSize(n, buf.capacity());
                    if (deliver == null) {
                        deliver = claimForReader();
                    }
                }
                if (shouldRead()) {
                    readInFlight = true;
                    next = nextReadBuffer();
                }
            }
            // Deliver first: a reply the reader writes goes out before this thread polls the socket again.
            if (deliver != null) {
                executor.execute(deliver);
            }
            if (next != null) {
                issueRead(next);
            }
        }

        @Override
        public void failed(Throwable e, ByteBuffer buf) {
            if (e instanceof ClosedChannelException) {
                // Closed underneath us (the loop was closed): nothing more will come, release everything.
                finish(e);
                return;
            }
            PendingRead<?> deliver;
            synchronized (lock) {
                readInFlight = false;
                if (state == CLOSED) {
                    return;
                }
                readFailure = e;
                deliver = claimForReader();
            }
            if (deliver != null) {
                executor.execute(deliver);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- writing

    @Override
    public AsyncFuture<Void> write(ByteBuffer buffer) {
        Objects.requireNonNull(buffer, "buffer");
        WriteRequest w = new WriteRequest(buffer, this);
        long size = buffer.remaining();
        boolean start = false;
        boolean cork = false;
        synchronized (lock) {
            if (state != OPEN || outputShutdown != null) {
                return AsyncFuture.failed(state == OPEN ? new ClosedChannelException() : closeCause);
            }
            if (queuedBytes + size > options.maxQueuedWriteBytes()) {
                return AsyncFuture.failed(new WriteQueueFullException(queuedBytes, size,
                        options.maxQueuedWriteBytes()));
            }
            if (size == 0 && writes.isEmpty()) {
                return AsyncFuture.completed(null);
            }
            writes.add(w);
            queuedBytes += size;
            if (!writeInFlight) {
                writeInFlight = true;
                if (executor.inRunner()) {
                    // Written from this connection's callback: hold it until the callbacks queued now are done,
                    // so that the replies to pipelined requests leave in one write.
                    corked = true;
                    cork = true;
                } else {
                    fillBatch();
                    start = true;
                }
            }
        }
        if (start) {
            issueWrite();
        } else if (cork) {
            executor.runWhenIdle();
        }
        return w.future;
    }

    @Override
    public AsyncFuture<Void> write(byte[] bytes) {
        return write(ByteBuffer.wrap(Objects.requireNonNull(bytes, "bytes")));
    }

    @Override
    public AsyncFuture<Void> write(CharSequence text, Charset charset) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(charset, "charset");
        return write(charset.encode(CharBuffer.wrap(text)));
    }

    /**
     * A write's cancellation won: drop it if it is still only queued, else the stream is broken: abort. Does nothing
     * once the write is done (sent before the cancel, or already dropped: the cancel and a delivery that finds the
     * write cancelled both call this) or the connection closed (its queue was emptied then).
     */
    void writeCancelled(WriteRequest w) {
        List<AsyncFuture<Void>> drained = null;
        boolean started;
        synchronized (lock) {
            if (w.state == WriteRequest.State.DONE || state == CLOSED) {
                return;
            }
            started = w.state == WriteRequest.State.IN_FLIGHT;
            if (!started) {
                writes.remove(w);
                queuedBytes -= w.buffer.remaining();
                w.state = WriteRequest.State.DONE;
                drained = takeDrainWaitersIfDrained();
            }
        }
        if (drained != null) {
            completeAll(drained);
        } else if (started) {
            abort("a write was cancelled after the socket had started sending it", null);
        }
    }

    /**
     * Under lock: puts the first queued requests into the gathering batch and marks them in flight. A large
     * buffer goes in as a window of {@link #MAX_WRITE_SLICE} bytes: the JDK copies each heap buffer whole into a
     * temporary direct buffer before every write, so handing it megabytes at once would copy them again and
     * again and cache a direct buffer that large per I/O thread.
     */
    private void fillBatch() {
        int i = 0;
        long bytes = 0;
        for (WriteRequest w : writes) {
            if (i == MAX_GATHER || bytes >= MAX_WRITE_SLICE) {
                break;
            }
            if (i == batch.length) {
                batch = Arrays.copyOf(batch, Math.min(MAX_GATHER, i * 4));
            }
            w.state = WriteRequest.State.IN_FLIGHT;
            ByteBuffer b = w.buffer;
            if (b.remaining() > MAX_WRITE_SLICE) {
                b = b.duplicate();
                b.limit(b.position() + MAX_WRITE_SLICE);
            }
            batch[i++] = b;
            bytes += b.remaining();
        }
        batchCount = i;
    }

    /** Under lock: moves each in-flight request past the bytes its window of the batch sent. */
    private void advanceWindows() {
        int i = 0;
        for (WriteRequest w : writes) {
            if (i == batchCount) {
                break;
            }
            ByteBuffer sent = batch[i++];
            if (sent != w.buffer) {
                w.buffer.position(sent.position());
            }
        }
    }

    /**
     * The executor's idle hook: sends what callbacks wrote during the batch that just ended. Queued writes that
     * were all cancelled meanwhile leave nothing to send; the write side then settles as after a completed write.
     */
    private void flushCorked() {
        boolean send;
        synchronized (lock) {
            if (!corked) {
                return;
            }
            corked = false;
            if (state == CLOSED) {
                return;
            }
            send = !writes.isEmpty();
            if (send) {
                fillBatch();
            } else {
                batchCount = 0;
            }
        }
        if (send) {
            issueWrite();
        } else {
            writeHandler.written(0);
        }
    }

    private void issueWrite() {
        try {
            if (batchCount == 1) {
                // The JDK's single-buffer write is cheaper than its gathering path.
                transport.write(batch[0], null, singleWriteHandler);
            } else {
                transport.write(batch, 0, batchCount, null, writeHandler);
            }
        } catch (RuntimeException e) {
            writeHandler.failed(e, null);
        }
    }

    private final class SingleWriteHandler implements CompletionHandler<Integer, Void> {
        @Override
        public void completed(Integer n, Void unused) {
            writeHandler.written(n);
        }

        @Override
        public void failed(Throwable e, Void unused) {
            writeHandler.failed(e, null);
        }
    }

    private final class WriteHandler implements CompletionHandler<Long, Void> {
        @Override
        public void completed(Long n, Void unused) {
            written(n);
        }

        void written(long n) {
            WriteRequest firstDone = null;
            List<WriteRequest> moreDone = null;
            List<AsyncFuture<Void>> drained;
            boolean again = false;
            boolean shut = false;
            boolean close = false;
            synchronized (lock) {
                writeInFlight = false;
                if (state == CLOSED) {
                    Arrays.fill(batch, 0, batchCount, null);
                    return;
                }
                advanceWindows();
                Arrays.fill(batch, 0, batchCount, null);
                if (idleNanos > 0) {
                    lastActivity = System.nanoTime();
                }
                queuedBytes -= n;
                WriteRequest head;
                while ((head = writes.peek()) != null && !head.buffer.hasRemaining()) {
                    writes.poll();
                    head.state = WriteRequest.State.DONE;
                    if (firstDone == null) {
                        firstDone = head;
                    } else {
                        if (moreDone == null) {
                            moreDone = new ArrayList<>(Math.max(4, batchCount)); // a response per buffer, say
                        }
                        moreDone.add(head);
                    }
                }
                if (!writes.isEmpty()) {
                    writeInFlight = true;
                    fillBatch();
                    again = true;
                } else {
                    shut = outputShutdown != null && !outputShutdown.isDone();
                    close = state == CLOSING;
                }
                drained = takeDrainWaitersIfDrained();
            }
            if (again) {
                issueWrite();
            }
            if (firstDone != null) {
                executor.execute(firstDone);
            }
            if (moreDone != null) {
                for (WriteRequest w : moreDone) {
                    executor.execute(w);
                }
            }
            if (drained != null) {
                completeAll(drained);
            }
            if (shut) {
                shutdownOutputNow();
            }
            if (close) {
                finish(closeCause);
            }
        }

        @Override
        public void failed(Throwable e, Void unused) {
            synchronized (lock) {
                writeInFlight = false;
                Arrays.fill(batch, 0, batchCount, null);
            }
            finish(e);
        }
    }

    @Override
    public AsyncFuture<Void> drain() {
        AsyncFuture<Void> waiter;
        synchronized (lock) {
            if (state == CLOSED) {
                // As asyncio's drain on a lost connection: a write-then-drain loop that ignores its writes' futures
                // ends here instead of spinning on a connection that takes nothing.
                return AsyncFuture.failed(closeCause);
            }
            if (queuedBytes <= options.writeLowWatermark()) {
                return AsyncFuture.completed(null);
            }
            waiter = new AsyncFuture<>();
            if (drainWaiters == null) {
                drainWaiters = new ArrayList<>(2);
            }
            drainWaiters.add(waiter);
        }
        return waiter.onCancel(() -> {
            synchronized (lock) {
                if (drainWaiters != null) {
                    drainWaiters.remove(waiter);
                }
            }
        });
    }

    /** Under lock: the drain waiters to release, if queued output is down to the low watermark. */
    private List<AsyncFuture<Void>> takeDrainWaitersIfDrained() {
        if (drainWaiters == null || queuedBytes > options.writeLowWatermark()) {
            return null;
        }
        List<AsyncFuture<Void>> w = drainWaiters;
        drainWaiters = null;
        return w;
    }

    private void completeAll(List<AsyncFuture<Void>> waiters) {
        executor.execute(() -> {
            for (AsyncFuture<Void> w : waiters) {
                w.complete(null);
            }
        });
    }

    @Override
    public long pendingOutputBytes() {
        synchronized (lock) {
            return queuedBytes;
        }
    }

    @Override
    public AsyncFuture<Void> shutdownOutput() {
        boolean now;
        CompletableFuture<Void> f;
        synchronized (lock) {
            if (state == CLOSED) {
                return AsyncFuture.failed(closeCause);
            }
            if (outputShutdown != null) {
                return Async.shield(outputShutdown);
            }
            f = outputShutdown = new CompletableFuture<>();
            now = !writeInFlight && writes.isEmpty();
        }
        if (now) {
            shutdownOutputNow();
        }
        return Async.shield(f);
    }

    private void shutdownOutputNow() {
        CompletableFuture<Void> f;
        synchronized (lock) {
            f = outputShutdown;
        }
        try {
            transport.shutdownOutput();
            executor.execute(() -> f.complete(null));
        } catch (IOException e) {
            executor.execute(() -> f.completeExceptionally(e));
        }
    }

    // ---------------------------------------------------------------------------------------------- closing

    @Override
    public AsyncFuture<Void> close() {
        boolean now = false;
        synchronized (lock) {
            if (state == OPEN) {
                state = CLOSING;
                closeCause = new ClosedChannelException();
                now = !writeInFlight && writes.isEmpty();
            }
        }
        if (now) {
            finish(closeCause);
        }
        return closed();
    }

    @Override
    public void abort() {
        abort("connection aborted", null);
    }

    /** Closes now; pending and later operations fail with a {@link ConnectionAbortedException}. */
    void abort(String reason, Throwable cause) {
        finish(new ConnectionAbortedException(reason, cause));
    }

    /**
     * Closes the socket and fails what is pending with {@code cause} (a pending reader of a graceful close gets
     * an {@link AsynchronousCloseException}). Idempotent: the first cause stays.
     */
    private void finish(Throwable cause) {
        PendingRead<?> r = null;
        List<WriteRequest> dropped;
        List<AsyncFuture<Void>> drains;
        CompletableFuture<Void> shut;
        Throwable failure;
        synchronized (lock) {
            if (state == CLOSED) {
                return;
            }
            state = CLOSED;
            closeCause = cause;
            failure = cause instanceof ClosedChannelException && !(cause instanceof AsynchronousCloseException)
                    ? new AsynchronousCloseException() : cause;
            if (reader != null && reader.state == PendingRead.State.WAITING && !reader.future.isDone()) {
                r = reader;
                r.failWaiting(failure);
            }
            dropped = new ArrayList<>(writes);
            writes.clear();
            queuedBytes = 0;
            drains = drainWaiters;
            drainWaiters = null;
            shut = outputShutdown;
            if (idleTimer != null) {
                idleTimer.cancel();
            }
        }
        try {
            transport.close();
        } catch (IOException e) {
            log.debug("closing {} failed", this, e);
        }
        PendingRead<?> failedReader = r;
        executor.execute(() -> {
            if (failedReader != null) {
                failedReader.run();
            }
            for (WriteRequest w : dropped) {
                w.future.completeExceptionally(failure);
            }
            if (drains != null) {
                for (AsyncFuture<Void> d : drains) {
                    d.completeExceptionally(failure);
                }
            }
            if (shut != null) {
                shut.completeExceptionally(failure);
            }
            closedPromise.complete(null);
            Consumer<StreamConnection> hook = closedHook;
            if (hook != null) {
                hook.accept(this);
            }
        });
    }

    private void scheduleIdleCheck(long delayNanos) {
        TimerHandle h = timer.schedule(Duration.ofNanos(delayNanos), this::checkIdle);
        synchronized (lock) {
            if (state == CLOSED) {
                h.cancel();
            } else {
                idleTimer = h;
            }
        }
    }

    private void checkIdle() {
        if (state == CLOSED) {
            return;
        }
        long idle = System.nanoTime() - lastActivity;
        if (idle >= idleNanos) {
            log.debug("{} idle for {} ms: closing", this, idle / 1_000_000);
            finish(new InterruptedByTimeoutException());
        } else {
            scheduleIdleCheck(idleNanos - idle);
        }
    }

    @Override
    public AsyncFuture<Void> closed() {
        return Async.shield(closedPromise);
    }

    @Override
    public boolean isOpen() {
        return state == OPEN;
    }

    @Override
    public InetSocketAddress localAddress() {
        return transport.localAddress();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return transport.remoteAddress();
    }

    @Override
    public <T> T getOption(SocketOption<T> option) throws IOException {
        return transport.getOption(option);
    }

    @Override
    public <T> void setOption(SocketOption<T> option, T value) throws IOException {
        transport.setOption(option, value);
    }

    @Override
    public Executor executor() {
        return executor;
    }

    /**
     * Runs a server's handler start on this connection's executor, on the calling thread (the accept thread),
     * handing whatever other threads submit meanwhile to {@code handoff}, so that the caller gets back to accepting.
     */
    void startHandler(Runnable start, Executor handoff) {
        executor.executeThenHandOff(start, handoff);
    }

    /** Under lock, for tests: how many received bytes wait in the buffer. */
    long bufferedInputBytes() {
        synchronized (lock) {
            return inbound.size();
        }
    }

    @Override
    public String toString() {
        // Read without the lock: a snapshot for diagnostics, possibly torn.
        PendingRead<?> r = reader;
        return "Connection[" + transport.localAddress() + " <-> " + transport.remoteAddress()
                + (state == OPEN ? ", open" : state == CLOSING ? ", closing" : ", closed")
                + (r == null ? "" : ", " + r.getClass().getSimpleName().toLowerCase(Locale.ROOT) + " read "
                        + r.state.name().toLowerCase(Locale.ROOT))
                + (readInFlight ? ", socket read in flight" : "") + (eof ? ", end of stream" : "")
                + (readFailure != null ? ", read failed" : "") + ", " + inbound.size() + " bytes buffered"
                + (writeInFlight ? ", write in flight" : "")
                + (queuedBytes > 0 ? ", " + queuedBytes + " bytes queued" : "")
                + "]";
    }
}
