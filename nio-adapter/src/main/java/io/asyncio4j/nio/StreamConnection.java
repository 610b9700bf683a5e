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
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * {@link Connection} over a {@link ByteTransport}: one read pump filling a bounded {@link InboundBuffer} that user
 * reads take from, and one write queue drained by gathering writes.
 *
 * <p><b>One owner.</b> The connection's state belongs to its {@link SerialExecutor}, as a Netty channel's belongs to
 * its event loop: socket completions, and calls made from another thread, run as tasks on it (at once, on the
 * calling thread, when it is idle); calls made from one of the connection's own callbacks, already on it, run
 * directly. Nothing is locked. Four fields are read outside: {@code state}, so that a closed connection refuses
 * at once from any thread; {@code queuedBytes}, reserved by {@code write} on the calling thread so that the cap on
 * queued output holds however many threads write; {@code outputShutdown}; and {@code abortCause}.
 *
 * <p>The socket read and the corked writes are issued from the executor's idle hook ({@link #flush}), once the
 * callbacks of the current batch have run: the replies they wrote leave in one write, before the socket is polled
 * again.
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

    private static final VarHandle STATE;
    private static final VarHandle QUEUED_BYTES;
    private static final VarHandle OUTPUT_SHUTDOWN;
    private static final VarHandle ABORT_CAUSE;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(StreamConnection.class, "state", int.class);
            QUEUED_BYTES = l.findVarHandle(StreamConnection.class, "queuedBytes", long.class);
            OUTPUT_SHUTDOWN = l.findVarHandle(StreamConnection.class, "outputShutdown", CompletableFuture.class);
            ABORT_CAUSE = l.findVarHandle(StreamConnection.class, "abortCause", Throwable.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ByteTransport transport;
    private final ConnectionOptions options;
    private final AsyncTimer timer;
    private final SerialExecutor executor = new SerialExecutor();
    private final CompletableFuture<Void> closedPromise = new CompletableFuture<>();
    private final ReadCompletion readCompletion = new ReadCompletion();
    private final WriteCompletion writeCompletion = new WriteCompletion();
    private final SingleWriteCompletion singleWriteCompletion = new SingleWriteCompletion();
    private final long idleNanos;

    // Read side: the executor's.
    private final InboundBuffer inbound = new InboundBuffer();
    private PendingRead<?> reader;
    private boolean readInFlight;
    private boolean eof;
    private Throwable readFailure;
    private ByteBuffer spareReadBuffer;
    private int readSize = INITIAL_READ;
    private int smallReads;

    // Write side: the executor's, but for queuedBytes.
    private final ArrayDeque<WriteRequest> writes = new ArrayDeque<>(3); // grows under pipelined writes
    /** The buffers of the write in flight; grows to {@link #MAX_GATHER} only for connections that gather. */
    private ByteBuffer[] batch = new ByteBuffer[2];
    private int batchCount;
    /**
     * Bytes accepted by {@code write} and not yet sent, those of writes still on their way to the executor included:
     * {@code write} reserves them on the calling thread (compare-and-set against the cap), the executor releases
     * them as the socket takes them.
     */
    private volatile long queuedBytes;
    /**
     * The executor's: the part of {@code queuedBytes} held by requests in {@code writes}, released when the
     * connection closes (the JDK may still be moving an in-flight buffer's position then, so it is not counted from
     * the buffers).
     */
    private long bytesInQueue;
    private boolean writeInFlight;
    /** Writes wait for the end of the current callback batch ({@link #flush}); writeInFlight is set. */
    private boolean corked;
    private List<AsyncFuture<Void>> drainWaiters;
    /** Set once, by the first {@code shutdownOutput} from any thread; later writes are refused at once. */
    private volatile CompletableFuture<Void> outputShutdown;
    /**
     * The executor's: the shutdown request has reached the executor, behind the writes handed over before it; from
     * then on the last write's completion carries it out.
     */
    private boolean outputShutRequested;
    /** The executor's: the socket's output was shut down (writes arriving after it fail). */
    private boolean outputShutIssued;

    // Lifecycle.
    /** OPEN to CLOSING by {@code close} or {@code abort} on any thread; to CLOSED by {@link #finish} only. */
    private volatile int state = OPEN;
    /** Set by {@link #finish} before {@code state} becomes CLOSED: a thread that reads CLOSED sees it. */
    private Throwable closeCause;
    /** The executor's: as {@link #outputShutRequested}, for a graceful close. */
    private boolean closeRequested;
    /** The first {@code abort}'s failure: it wins over the cause of a close that its own task races with. */
    private volatile Throwable abortCause;
    private TimerHandle idleTimer;
    private long lastActivity = System.nanoTime();
    private volatile Consumer<StreamConnection> closedHook;

    StreamConnection(ByteTransport transport, ConnectionOptions options, AsyncTimer timer) {
        this.transport = transport;
        this.options = options;
        this.timer = timer;
        this.idleNanos = options.idleTimeout().toNanos();
        executor.idleHook(this::flush);
    }

    /** Starts the read pump and the idle timer. */
    void start() {
        onExecutor(this::begin);
    }

    /**
     * On the executor: starts the idle timer, and has the first socket read issued at the end of this batch.
     * Returns {@code false}, the connection aborted, if the timer refuses (its loop is closing).
     */
    private boolean begin() {
        if (idleNanos > 0) {
            try {
                scheduleIdleCheck(idleNanos);
            } catch (RuntimeException e) {
                abort("the connection could not be served", e);
                return false;
            }
        }
        readIfWanted();
        return true;
    }

    /**
     * Runs {@code task} on this connection's executor: directly when the caller is on it, else as a task, on the
     * calling thread if the executor is idle. A thread from outside runs its own task there, not the connection's
     * other work: what arrives meanwhile is handed to the loop's workers, so a thread writing to many connections
     * is not held up running their callbacks.
     */
    private void onExecutor(Runnable task) {
        if (executor.inRunner()) {
            task.run();
        } else {
            executor.executeThenHandOff(task, timer::execute);
        }
    }

    /**
     * Runs {@code task} on this connection's executor after every task other threads have handed it so far, the
     * writes they made before this call among them: a close or an output shutdown called from a callback then
     * still sends what another thread wrote just before.
     */
    private void afterSubmitted(Runnable task) {
        if (executor.inRunner()) {
            executor.executeAfterSubmitted(task);
        } else {
            executor.executeThenHandOff(task, timer::execute);
        }
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

    /**
     * The executor's idle hook, run once the callbacks of the current batch are done: sends what they wrote in one
     * write, then issues the socket read if one is wanted. Queued writes that were all cancelled meanwhile leave
     * nothing to send; the write side then settles as after a completed write.
     */
    private void flush() {
        if (corked) {
            corked = false;
            if (state != CLOSED) {
                sendQueued();
            }
        }
        if (shouldRead()) {
            readInFlight = true;
            issueRead(nextReadBuffer());
        }
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
        if (executor.inRunner()) {
            beginRead(r);
        } else {
            executor.executeThenHandOff(() -> beginRead(r), timer::execute);
        }
        return r.future;
    }

    /** On the executor: makes {@code r} the reader, completing it from the buffer if it can. */
    private void beginRead(PendingRead<?> r) {
        if (r.finished()) {
            return; // given up on its way from another thread
        }
        PendingRead<?> current = reader;
        if (current != null) {
            if (!current.finished()) {
                r.future.settleExceptionally(new IllegalStateException(
                        "a read is already pending on this connection: one read operation at a time"));
                return;
            }
            settle(current);
        }
        if (state == CLOSED) {
            r.failWaiting(closeCause);
            executor.execute(r);
            return;
        }
        reader = r;
        if (r.tryClaim(inbound, eof, readFailure)) {
            executor.execute(r); // queued, not nested: a loop of reads served from the buffer keeps its stack
        }
        readIfWanted();
    }

    /**
     * A read was given up: detach it, and put back the bytes it had claimed but not delivered. Runs from the give-up
     * (before the read's future completes) and again from a delivery that finds the read given up; the later call
     * finds the read detached and does nothing. A give-up from another thread reaches the executor behind anything
     * that thread queued before, and ahead of anything the read's dependents then do there.
     */
    void readCancelled(PendingRead<?> r) {
        onExecutor(() -> detachCancelled(r));
    }

    private void detachCancelled(PendingRead<?> r) {
        if (reader != r) {
            return;
        }
        settle(r);
        readIfWanted();
    }

    /** On the executor: retires the current reader once it is over, undoing a claim that a give-up beat. */
    private void settle(PendingRead<?> r) {
        if (r.state == PendingRead.State.CLAIMED && r.givenUp) {
            r.restore(inbound);
        }
        r.taken = null;
        r.state = PendingRead.State.SETTLED;
        if (reader == r) {
            reader = null;
        }
    }

    /** On the executor: gives buffered bytes (or the end of the stream) to the waiting reader, if it can use them. */
    private PendingRead<?> claimForReader() {
        PendingRead<?> r = reader;
        if (r == null || r.state != PendingRead.State.WAITING) {
            return null;
        }
        if (r.finished()) {
            settle(r);
            return null;
        }
        return r.tryClaim(inbound, eof, readFailure) ? r : null;
    }

    /** On the executor: whether the pump should have a socket read outstanding now. */
    private boolean shouldRead() {
        return state != CLOSED && !eof && readFailure == null && !readInFlight
                && (inbound.size() < options.readHighWatermark()
                    || reader != null && reader.state == PendingRead.State.WAITING);
    }

    /** On the executor: has {@link #flush} issue the socket read once this batch of callbacks is done. */
    private void readIfWanted() {
        if (shouldRead()) {
            executor.runWhenIdle();
        }
    }

    /**
     * On the executor: the buffer for the next socket read. The connection reads into one direct buffer of its own,
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
     * On the executor: when a {@code read(dst)} or {@code read(max, allocator)} waits and nothing is buffered, copies
     * the bytes just read straight into the reader's buffer: a reader that reuses its buffers then costs no
     * allocation per read.
     */
    private PendingRead<?> intoWaitingReader(ByteBuffer buf) {
        PendingRead<?> r = reader;
        if (inbound.size() != 0 || r == null || r.state != PendingRead.State.WAITING || r.finished()) {
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
     * On the executor: the next read's size doubles after a read of {@code n} bytes filled the buffer and halves
     * after two that used less than a quarter of it, between {@link #MIN_READ} and {@link #MAX_READ}: small while a
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
            transport.read(buf, buf, readCompletion);
        } catch (RuntimeException e) {
            readCompletion.failed(e, buf);
        }
    }

    /** On the executor: a socket read returned {@code n} bytes in {@code buf}, or -1 at the end of the stream. */
    private void readCompleted(int n, ByteBuffer buf) {
        readInFlight = false;
        if (state == CLOSED) {
            return;
        }
        PendingRead<?> deliver;
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
        readIfWanted(); // issued by flush(), after the replies the delivery writes
        if (deliver != null) {
            deliver.run();
        }
    }

    /** On the executor: a socket read failed. */
    private void readFailed(Throwable e) {
        readInFlight = false;
        if (e instanceof ClosedChannelException) {
            // Closed underneath us (the loop was closed): nothing more will come, release everything.
            finish(e);
            return;
        }
        if (state == CLOSED) {
            return;
        }
        readFailure = e;
        PendingRead<?> deliver = claimForReader();
        if (deliver != null) {
            deliver.run();
        }
    }

    /**
     * The socket read's handler, and the task that hands its outcome to the executor: one object per connection,
     * since at most one socket read is outstanding and the next is issued only after this task has run.
     */
    private final class ReadCompletion implements CompletionHandler<Integer, ByteBuffer>, Runnable {
        private int count;
        private ByteBuffer buffer;
        private Throwable failure;

        @Override
        public void completed(Integer n, ByteBuffer buf) {
            count = n;
            buffer = buf;
            executor.execute(this);
        }

        @Override
        public void failed(Throwable e, ByteBuffer buf) {
            failure = e;
            buffer = buf;
            executor.execute(this);
        }

        @Override
        public void run() {
            ByteBuffer buf = buffer;
            Throwable e = failure;
            buffer = null;
            failure = null;
            if (e == null) {
                readCompleted(count, buf);
            } else {
                readFailed(e);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- writing

    @Override
    public AsyncFuture<Void> write(ByteBuffer buffer) {
        Objects.requireNonNull(buffer, "buffer");
        long size = buffer.remaining();
        if (state != OPEN || outputShutdown != null) {
            return AsyncFuture.failed(closedFailure());
        }
        if (!reserve(size)) {
            return AsyncFuture.failed(new WriteQueueFullException(queuedBytes, size, options.maxQueuedWriteBytes()));
        }
        if (executor.inRunner()) {
            if (size == 0 && writes.isEmpty()) {
                return AsyncFuture.completed(null);
            }
            WriteRequest w = new WriteRequest(buffer, this);
            enqueue(w);
            return w.future;
        }
        WriteRequest w = new WriteRequest(buffer, this);
        executor.executeThenHandOff(() -> enqueue(w), timer::execute);
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

    /** What a write, drain or shutdown refused because the connection is closing or closed fails with. */
    private Throwable closedFailure() {
        if (state == CLOSED) {
            return closeCause;
        }
        Throwable aborted = abortCause;
        return aborted != null ? aborted : new ClosedChannelException();
    }

    /**
     * Counts {@code size} bytes of a write into the queue; {@code false} if the bytes already queued have reached the
     * cap. A write is admitted whatever its own size while the queue is below the cap, so that one large write, which
     * the caller already holds in memory, is never refused for good: the queue holds at most the cap plus one write.
     */
    private boolean reserve(long size) {
        long max = options.maxQueuedWriteBytes();
        while (true) {
            long queued = queuedBytes;
            if (queued >= max && size > 0) {
                return false;
            }
            if (QUEUED_BYTES.weakCompareAndSet(this, queued, queued + size)) {
                return true;
            }
        }
    }

    private void release(long bytes) {
        QUEUED_BYTES.getAndAdd(this, -bytes);
    }

    /**
     * On the executor: queues a write whose bytes {@code write} reserved, to be sent at the end of this batch of
     * callbacks so that the replies to pipelined requests leave in one write. A write that reaches the executor
     * after the connection closed or its output was shut down (by another thread, after this write was accepted)
     * fails; one cancelled on its way is dropped.
     */
    private void enqueue(WriteRequest w) {
        long size = w.size;
        if (w.givenUpOrDone() || state == CLOSED || outputShutIssued || size == 0 && writes.isEmpty()) {
            w.state = WriteRequest.State.DONE;
            release(size);
            releaseDrainWaiters();
            if (size == 0 && state != CLOSED && !outputShutIssued) {
                w.future.settle(null);
            } else {
                w.future.settleExceptionally(closedFailure()); // refused by one given up
            }
            return;
        }
        writes.add(w);
        bytesInQueue += size;
        if (!writeInFlight) {
            writeInFlight = true;
            corked = true;
            executor.runWhenIdle();
        }
    }

    /**
     * A write's cancellation won: drop it if it is still only queued, else the stream is broken: abort. Does nothing
     * once the write is done (sent before the cancel, or already dropped: the cancel and a delivery that finds the
     * write cancelled both call this) or the connection closed (its queue was emptied then).
     */
    void writeCancelled(WriteRequest w) {
        onExecutor(() -> dropCancelled(w));
    }

    private void dropCancelled(WriteRequest w) {
        if (w.state == WriteRequest.State.DONE || state == CLOSED) {
            return;
        }
        if (w.state == WriteRequest.State.IN_FLIGHT) {
            abort("a write was cancelled after the socket had started sending it", null);
            return;
        }
        if (!writes.remove(w)) {
            return; // cancelled on its way from another thread: enqueue() drops it when it arrives
        }
        drop(w);
        releaseDrainWaiters();
    }

    /** On the executor: forgets a queued write that was cancelled before the socket started on it. */
    private void drop(WriteRequest w) {
        bytesInQueue -= w.size;
        release(w.size);
        w.state = WriteRequest.State.DONE;
    }

    /**
     * On the executor, with {@code writeInFlight} set: sends the queued writes, or settles the write side as after
     * a completed write when cancels left none to send.
     */
    private void sendQueued() {
        fillBatch();
        if (batchCount > 0) {
            issueWrite();
        } else {
            writeCompleted(0);
        }
    }

    /**
     * On the executor: puts the first queued requests into the gathering batch and marks them in flight, dropping
     * those cancelled from another thread whose cancel has not reached the executor yet (once in flight, their cancel
     * would abort the connection). A large buffer goes in as a window of {@link #MAX_WRITE_SLICE} bytes: the JDK
     * copies each heap buffer whole into a temporary direct buffer before every write, so handing it megabytes at
     * once would copy them again and again and cache a direct buffer that large per I/O thread.
     */
    private void fillBatch() {
        int i = 0;
        long bytes = 0;
        for (Iterator<WriteRequest> it = writes.iterator(); it.hasNext(); ) {
            WriteRequest w = it.next();
            if (i == MAX_GATHER || bytes >= MAX_WRITE_SLICE) {
                break;
            }
            if (w.state == WriteRequest.State.QUEUED && w.givenUpOrDone()) {
                it.remove();
                drop(w);
                continue;
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

    /** On the executor: moves each in-flight request past the bytes its window of the batch sent. */
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

    private void issueWrite() {
        try {
            if (batchCount == 1) {
                // The JDK's single-buffer write is cheaper than its gathering path.
                transport.write(batch[0], null, singleWriteCompletion);
            } else {
                transport.write(batch, 0, batchCount, null, writeCompletion);
            }
        } catch (RuntimeException e) {
            writeCompletion.failed(e, null);
        }
    }

    /**
     * On the executor: the socket took {@code n} bytes of the batch. Completes the writes it finished (queued on
     * the executor, behind this task), sends the rest, and once the queue is empty carries out a pending output
     * shutdown or graceful close.
     */
    private void writeCompleted(long n) {
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
        if (n > 0) {
            bytesInQueue -= n;
            release(n);
        }
        WriteRequest head;
        while ((head = writes.peek()) != null && !head.buffer.hasRemaining()) {
            writes.poll();
            head.state = WriteRequest.State.DONE;
            executor.execute(head);
        }
        if (!writes.isEmpty()) {
            writeInFlight = true;
            sendQueued();
        } else {
            shutdownOutputIfFlushed();
            if (closeRequested) {
                finish(new ClosedChannelException());
            }
        }
        releaseDrainWaiters();
    }

    /** On the executor: a socket write failed; the stream is broken. */
    private void writeFailed(Throwable e) {
        writeInFlight = false;
        Arrays.fill(batch, 0, batchCount, null);
        finish(e);
    }

    /**
     * The gathering write's handler, and the task that hands its outcome to the executor: one object per
     * connection, since at most one socket write is outstanding.
     */
    private final class WriteCompletion implements CompletionHandler<Long, Void>, Runnable {
        private long count;
        private Throwable failure;

        @Override
        public void completed(Long n, Void unused) {
            written(n);
        }

        void written(long n) {
            count = n;
            executor.execute(this);
        }

        @Override
        public void failed(Throwable e, Void unused) {
            failure = e;
            executor.execute(this);
        }

        @Override
        public void run() {
            Throwable e = failure;
            failure = null;
            if (e == null) {
                writeCompleted(count);
            } else {
                writeFailed(e);
            }
        }
    }

    /** The single-buffer write's handler: the JDK types its count as an {@code Integer}. */
    private final class SingleWriteCompletion implements CompletionHandler<Integer, Void> {
        @Override
        public void completed(Integer n, Void unused) {
            writeCompletion.written(n);
        }

        @Override
        public void failed(Throwable e, Void unused) {
            writeCompletion.failed(e, null);
        }
    }

    @Override
    public AsyncFuture<Void> drain() {
        if (state == CLOSED) {
            // As asyncio's drain on a lost connection: a write-then-drain loop that ignores its writes' futures
            // ends here instead of spinning on a connection that takes nothing.
            return AsyncFuture.failed(closeCause);
        }
        if (queuedBytes <= options.writeLowWatermark()) {
            return AsyncFuture.completed(null);
        }
        AsyncFuture<Void> waiter = new AsyncFuture<>();
        waiter.onCancel(() -> onExecutor(() -> {
            if (drainWaiters != null) {
                drainWaiters.remove(waiter);
            }
        }));
        onExecutor(() -> addDrainWaiter(waiter));
        return waiter;
    }

    private void addDrainWaiter(AsyncFuture<Void> waiter) {
        if (waiter.isDone()) {
            return; // given up on its way from another thread
        }
        if (state == CLOSED) {
            waiter.settleExceptionally(closeCause);
        } else if (queuedBytes <= options.writeLowWatermark()) {
            waiter.settle(null);
        } else {
            if (drainWaiters == null) {
                drainWaiters = new ArrayList<>(2);
            }
            drainWaiters.add(waiter);
        }
    }

    /** On the executor: releases the drain waiters, on the executor, if queued output is down to the low watermark. */
    private void releaseDrainWaiters() {
        if (drainWaiters == null || queuedBytes > options.writeLowWatermark()) {
            return;
        }
        List<AsyncFuture<Void>> waiters = drainWaiters;
        drainWaiters = null;
        executor.execute(() -> {
            for (AsyncFuture<Void> w : waiters) {
                w.settle(null);
            }
        });
    }

    @Override
    public long pendingOutputBytes() {
        return queuedBytes;
    }

    @Override
    public AsyncFuture<Void> shutdownOutput() {
        if (state == CLOSED) {
            return AsyncFuture.failed(closeCause);
        }
        CompletableFuture<Void> f = new CompletableFuture<>();
        @SuppressWarnings("unchecked")
        CompletableFuture<Void> earlier = (CompletableFuture<Void>) OUTPUT_SHUTDOWN.compareAndExchange(this, null, f);
        if (earlier != null) {
            return Async.shield(earlier);
        }
        afterSubmitted(() -> {
            outputShutRequested = true;
            shutdownOutputIfFlushed();
        });
        return Async.shield(f);
    }

    /**
     * On the executor: shuts the socket's output once a shutdown request has reached the executor and no write is
     * left before it.
     */
    private void shutdownOutputIfFlushed() {
        CompletableFuture<Void> f = outputShutdown;
        if (!outputShutRequested || outputShutIssued) {
            return;
        }
        if (state == CLOSED) {
            f.completeExceptionally(closeCause); // closed before the request reached the executor
            return;
        }
        if (writeInFlight || !writes.isEmpty()) {
            return; // the last write's completion comes back here
        }
        outputShutIssued = true;
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
        if (STATE.compareAndSet(this, OPEN, CLOSING)) {
            afterSubmitted(() -> {
                closeRequested = true;
                closeIfFlushed();
            });
        }
        return closed();
    }

    /**
     * On the executor, once the close request has reached it (behind the writes handed over before it): finishes
     * the close if no write is queued or in flight, else the last write's completion does.
     */
    private void closeIfFlushed() {
        if (state == CLOSING && !writeInFlight && writes.isEmpty()) {
            finish(new ClosedChannelException());
        }
    }

    @Override
    public void abort() {
        abort("connection aborted", null);
    }

    /**
     * Closes now, or as soon as the executor is free when another thread holds it; pending and later operations
     * fail with a {@link ConnectionAbortedException}. From any thread: the connection refuses new operations at once.
     */
    void abort(String reason, Throwable cause) {
        if (state == CLOSED) {
            return;
        }
        ConnectionAbortedException e = new ConnectionAbortedException(reason, cause);
        ABORT_CAUSE.compareAndSet(this, null, e);
        STATE.compareAndSet(this, OPEN, CLOSING);
        onExecutor(() -> finish(e));
    }

    /**
     * On the executor: closes the socket and fails what is pending with {@code cause}, or with the first abort's
     * failure if an abort is under way (a pending reader of a graceful close gets an
     * {@link AsynchronousCloseException}). Idempotent: the first cause stays.
     */
    private void finish(Throwable cause) {
        if (state == CLOSED) {
            return;
        }
        Throwable aborted = abortCause;
        if (aborted != null) {
            cause = aborted;
        }
        closeCause = cause;
        state = CLOSED;
        Throwable failure = cause instanceof ClosedChannelException && !(cause instanceof AsynchronousCloseException)
                ? new AsynchronousCloseException() : cause;
        PendingRead<?> r = null;
        if (reader != null && reader.state == PendingRead.State.WAITING && !reader.finished()) {
            r = reader;
            r.failWaiting(failure);
        }
        List<WriteRequest> dropped = new ArrayList<>(writes);
        writes.clear();
        release(bytesInQueue);
        bytesInQueue = 0;
        List<AsyncFuture<Void>> drains = drainWaiters;
        drainWaiters = null;
        CompletableFuture<Void> shut = outputShutdown;
        if (idleTimer != null) {
            idleTimer.cancel();
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
                w.fail(failure);
            }
            if (drains != null) {
                for (AsyncFuture<Void> d : drains) {
                    d.settleExceptionally(failure);
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

    /** On the executor. */
    private void scheduleIdleCheck(long delayNanos) {
        TimerHandle h = timer.schedule(Duration.ofNanos(delayNanos), () -> onExecutor(this::checkIdle));
        if (state == CLOSED) {
            h.cancel();
        } else {
            idleTimer = h;
        }
    }

    /** On the executor, from the idle timer. */
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
     * Starts the read pump and the idle timer (as {@link #start()}), then a server's handler, on this connection's
     * executor, on the calling thread (the accept thread), handing whatever other threads submit meanwhile to
     * {@code handoff}, so that the caller gets back to accepting. The first socket read is issued once the handler's
     * first step has run, so bytes already there cannot take the executor, and that step, to an I/O thread.
     */
    void startHandler(Runnable start, Executor handoff) {
        executor.executeThenHandOff(() -> {
            if (begin()) {
                start.run();
            }
        }, handoff);
    }

    /**
     * For tests: how many received bytes wait in the buffer, read on the executor (behind what the calling thread
     * queued there before). Blocks a caller that is not on the executor until it has its turn.
     */
    long bufferedInputBytes() {
        if (executor.inRunner()) {
            return inbound.size();
        }
        CompletableFuture<Long> size = new CompletableFuture<>();
        executor.execute(() -> size.complete(inbound.size()));
        return size.join();
    }

    @Override
    public String toString() {
        // Read off the executor: a snapshot for diagnostics, possibly torn.
        PendingRead<?> r = reader;
        int s = state;
        return "Connection[" + transport.localAddress() + " <-> " + transport.remoteAddress()
                + (s == OPEN ? ", open" : s == CLOSING ? ", closing" : ", closed")
                + (r == null ? "" : ", " + r.getClass().getSimpleName().toLowerCase(Locale.ROOT) + " read "
                        + r.state.name().toLowerCase(Locale.ROOT))
                + (readInFlight ? ", socket read in flight" : "") + (eof ? ", end of stream" : "")
                + (readFailure != null ? ", read failed" : "") + ", " + inbound.size() + " bytes buffered"
                + (writeInFlight ? ", write in flight" : "")
                + (queuedBytes > 0 ? ", " + queuedBytes + " bytes queued" : "")
                + "]";
    }
}
