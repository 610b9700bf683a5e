package io.asyncio4j.nio;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.Connection;
import io.asyncio4j.ConnectionAbortedException;
import io.asyncio4j.ConnectionOptions;
import io.asyncio4j.FrameDecoder;
import io.asyncio4j.TlsOptions;
import io.asyncio4j.TlsSession;
import io.asyncio4j.WriteQueueFullException;
import io.asyncio4j.combinators.Async;
import io.asyncio4j.combinators.AsyncTimer;
import io.asyncio4j.combinators.DeadlineTimer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.InterruptedByTimeoutException;
import java.nio.charset.Charset;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;

/**
 * {@link Connection} over a {@link ByteTransport}: the state machine (open, closing, closed) and the hops onto the
 * connection's executor, over a {@link ReadPump} that fills the inbound buffer user reads take from, a
 * {@link WritePump} that sends the {@link OutboundBuffer}'s gathering writes, and a {@link DeadlineTimer} for the
 * idle timeout.
 *
 * <p><b>One owner.</b> The connection's state belongs to its {@link ConnectionExecutor}, as a Netty channel's
 * belongs to its event loop: transport completions, and calls made from another thread, run as tasks on it; calls
 * made from one of the connection's own callbacks, already on it, run directly. Nothing is locked. Read outside the
 * executor: {@code state}, so that a closed connection refuses at once from any thread; the queued byte count,
 * reserved by {@code write} on the calling thread so that the cap on queued output holds however many threads
 * write; {@code outputShutdown}; {@code abortCause}; and {@code transport}, for the addresses and options.
 *
 * <p>The raw read and the corked writes are issued from the executor's idle hook ({@link #flush}), once the
 * callbacks of the current batch have run: the replies they wrote leave in one write, before the transport is
 * polled again.
 *
 * <p>The file is a little over 400 lines because it is where each of {@link Connection}'s thirty operations meets
 * the state machine, in a few lines each; the work behind them lives in the parts above.
 */
final class StreamConnection implements Connection {

    private static final Logger log = LoggerFactory.getLogger(StreamConnection.class);

    private static final int OPEN = 0;
    private static final int CLOSING = 1;
    private static final int CLOSED = 2;
    /** The longest idle timeout honoured, so that adding it to the clock cannot overflow. */
    private static final long MAX_IDLE_NANOS = Long.MAX_VALUE / 4;

    private static final VarHandle STATE;
    private static final VarHandle OUTPUT_SHUTDOWN;
    private static final VarHandle ABORT_CAUSE;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(StreamConnection.class, "state", int.class);
            OUTPUT_SHUTDOWN = l.findVarHandle(StreamConnection.class, "outputShutdown", CompletableFuture.class);
            ABORT_CAUSE = l.findVarHandle(StreamConnection.class, "abortCause", Throwable.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ConnectionOptions options;
    private final ConnectionExecutor executor;
    private final AsyncTimer timer;
    /** Drains what other threads submit while a thread from outside runs its own call on the executor. */
    private final Executor handoff;
    private final CompletableFuture<Void> closedPromise = new CompletableFuture<>();
    private final ReadPump reads;
    private final OutboundBuffer outbound;
    private final WritePump writes;
    /** {@code null} without an idle timeout. */
    private final DeadlineTimer idle;
    private final long idleNanos;
    /** The top of the transport stack: replaced by a hand-over, read from any thread for addresses and options. */
    private volatile ByteTransport transport;

    /** Set once, by the first {@code shutdownOutput} from any thread; later writes are refused at once. */
    private volatile CompletableFuture<Void> outputShutdown;
    /** The executor's: a hand-over waiting for queued output to be sent, or {@code null}. */
    private Handover handover;

    /** OPEN to CLOSING by {@code close} or {@code abort} on any thread; to CLOSED by {@link #finish} only. */
    private volatile int state = OPEN;
    /** Set by {@link #finish} before {@code state} becomes CLOSED: a thread that reads CLOSED sees it. */
    private Throwable closeCause;
    /**
     * The executor's: the close request has reached the executor, behind the writes handed over before it; from
     * then on the last write's completion carries it out.
     */
    private boolean closeRequested;
    /** The first {@code abort}'s failure: it wins over the cause of a close that its own task races with. */
    private volatile Throwable abortCause;
    private volatile Consumer<StreamConnection> closedHook;

    /** A connection on a {@link SerialExecutor} of its own, as for a NIO.2 socket. */
    StreamConnection(ByteTransport transport, ConnectionOptions options, AsyncTimer timer) {
        this(transport, new SerialExecutor(), options, timer);
    }

    StreamConnection(ByteTransport transport, ConnectionExecutor executor, ConnectionOptions options,
                     AsyncTimer timer) {
        this.transport = transport;
        this.options = options;
        this.executor = executor;
        this.timer = timer;
        this.handoff = timer::execute;
        this.idleNanos = Math.min(MAX_IDLE_NANOS, options.idleTimeout().toNanos());
        // The timer's thread hands the check over and goes back to its other deadlines, as any outside caller does.
        this.idle = idleNanos > 0
                ? new DeadlineTimer(timer, task -> executor.executeFromOutside(task, handoff), this::idleTimedOut)
                : null;
        this.reads = new ReadPump(this, executor, transport, options.readHighWatermark());
        this.outbound = new OutboundBuffer(executor, options.maxQueuedWriteBytes(), options.writeLowWatermark());
        this.writes = new WritePump(this, executor, outbound, transport);
        executor.idleHook(this::flush);
    }

    /** Starts the read pump and the idle timer. */
    void start() {
        onExecutor(this::begin);
    }

    /**
     * Starts the read pump and the idle timer (as {@link #start()}), then a server's handler, on this connection's
     * executor, on the calling thread (the accept thread), handing whatever other threads submit meanwhile to
     * {@code handoff}, so that the caller gets back to accepting. The first raw read is issued once the handler's
     * first step has run, so bytes already there cannot take the executor, and that step, to an I/O thread.
     */
    void startHandler(Runnable start, Executor handoff) {
        executor.executeFromOutside(() -> {
            if (begin()) {
                start.run();
            }
        }, handoff);
    }

    /**
     * On the executor: arms the idle timer, and has the first raw read issued at the end of this batch. Returns
     * {@code false}, the connection aborted, if the timer fails.
     */
    private boolean begin() {
        if (idle != null) {
            try {
                idle.expireAt(timer.nanoTime() + idleNanos);
            } catch (RuntimeException e) {
                abort("the connection could not be served", e);
                return false;
            }
        }
        reads.readIfWanted();
        return true;
    }

    /**
     * Runs {@code task} on this connection's executor: directly when the caller is on it, else as a task from
     * outside (see {@link ConnectionExecutor#executeFromOutside}), so a thread writing to many connections is not
     * held up running their callbacks.
     */
    void onExecutor(Runnable task) {
        if (executor.inExecutor()) {
            task.run();
        } else {
            executor.executeFromOutside(task, handoff);
        }
    }

    /**
     * Runs {@code task} on this connection's executor after every task other threads have handed it so far, the
     * writes they made before this call among them: a close, output shutdown or hand-over called from a callback
     * then still sends what another thread wrote just before.
     */
    private void afterSubmitted(Runnable task) {
        if (executor.inExecutor()) {
            executor.executeAfterSubmitted(task);
        } else {
            executor.executeFromOutside(task, handoff);
        }
    }

    /** The executor's idle hook, once the callbacks of the current batch are done: sends, then reads. */
    private void flush() {
        writes.flushCorked();
        reads.issueIfWanted();
    }

    /** On the executor: traffic in either direction pushes the idle deadline back. */
    void active() {
        if (idle != null) {
            idle.expireAt(timer.nanoTime() + idleNanos);
        }
    }

    private void idleTimedOut() {
        log.debug("{} idle for {}: closing", this, options.idleTimeout());
        finish(new InterruptedByTimeoutException(), true);
    }

    boolean isClosed() {
        return state == CLOSED;
    }

    /** The failure a closed connection reports; read after {@link #isClosed()} returned {@code true}. */
    Throwable closeCause() {
        return closeCause;
    }

    /** Completes when the transport is closed. */
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
        return startRead(new ChunkRead(maxBytes));
    }

    @Override
    public AsyncFuture<Integer> read(ByteBuffer dst) {
        return startRead(new IntoBufferRead(dst));
    }

    @Override
    public AsyncFuture<ByteBuffer> read(int maxBytes, IntFunction<ByteBuffer> allocator) {
        return startRead(new AllocatedRead(maxBytes, allocator));
    }

    @Override
    public AsyncFuture<byte[]> readExactly(int n) {
        return startRead(new ExactRead(n));
    }

    @Override
    public AsyncFuture<byte[]> readUntil(byte[] delimiter, int limit) {
        return startRead(DelimitedRead.until(delimiter, limit));
    }

    @Override
    public <T> AsyncFuture<T> readFrame(FrameDecoder<T> decoder, int limit) {
        return startRead(new FrameRead<>(decoder, limit));
    }

    @Override
    public AsyncFuture<byte[]> readLine(int limit) {
        return startRead(DelimitedRead.line(limit));
    }

    @Override
    public AsyncFuture<String> readLine(int limit, Charset charset) {
        Objects.requireNonNull(charset, "charset");
        return readLine(limit).thenApply(b -> b == null ? null : new String(b, charset));
    }

    @Override
    public AsyncFuture<byte[]> readToEnd(int limit) {
        return startRead(new ToEndRead(limit));
    }

    @Override
    public AsyncFuture<String> readToEnd(int limit, Charset charset) {
        Objects.requireNonNull(charset, "charset");
        return readToEnd(limit).thenApply(b -> new String(b, charset));
    }

    @Override
    public AsyncFuture<Void> skip(long n) {
        return startRead(new SkipRead(n));
    }

    @Override
    public AsyncFuture<Long> skipLine() {
        return startRead(new LineSkipRead());
    }

    private <T> AsyncFuture<T> startRead(PendingRead<T> r) {
        r.attach(this);
        if (executor.inExecutor()) {
            reads.begin(r);
        } else {
            executor.executeFromOutside(() -> reads.begin(r), handoff);
        }
        return r.future;
    }

    /**
     * A read was given up: detach it, and put back the bytes it had claimed but not delivered. Runs from the give-up
     * (before the read's future completes) and again from a delivery that finds the read given up; the later call
     * finds the read detached and does nothing. A give-up from another thread reaches the executor behind anything
     * that thread queued before, and ahead of anything the read's dependents then do there.
     */
    void readCancelled(PendingRead<?> r) {
        onExecutor(() -> reads.detach(r));
    }

    // ---------------------------------------------------------------------------------------------- writing

    @Override
    public AsyncFuture<Void> write(ByteBuffer buffer) {
        Objects.requireNonNull(buffer, "buffer");
        long size = buffer.remaining();
        if (state != OPEN || outputShutdown != null) {
            return AsyncFuture.failed(closedFailure());
        }
        if (!outbound.reserve(size)) {
            return AsyncFuture.failed(new WriteQueueFullException(outbound.queuedBytes(), size,
                    options.maxQueuedWriteBytes()));
        }
        if (executor.inExecutor()) {
            if (size == 0 && outbound.isEmpty()) {
                return AsyncFuture.completed(null);
            }
            WriteRequest w = new WriteRequest(buffer, this);
            writes.enqueue(w);
            return w.future;
        }
        WriteRequest w = new WriteRequest(buffer, this);
        executor.executeFromOutside(() -> writes.enqueue(w), handoff);
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
    Throwable closedFailure() {
        if (state == CLOSED) {
            return closeCause;
        }
        Throwable aborted = abortCause;
        return aborted != null ? aborted : new ClosedChannelException();
    }

    /** A write was given up, from any thread: see {@link WritePump#cancelled}. */
    void writeCancelled(WriteRequest w) {
        onExecutor(() -> writes.cancelled(w));
    }

    /**
     * On the executor, from the write pump: nothing is queued or in flight any more. Carries out what waited for
     * the output to be sent: a hand-over, an output shutdown, a graceful close.
     */
    void outputFlushed() {
        handOverIfFlushed();
        writes.shutdownOutputIfFlushed();
        if (closeRequested) {
            finish(new ClosedChannelException(), true);
        }
    }

    @Override
    public AsyncFuture<Void> drain() {
        if (state == CLOSED) {
            // As asyncio's drain on a lost connection: a write-then-drain loop that ignores its writes' futures
            // ends here instead of spinning on a connection that takes nothing.
            return AsyncFuture.failed(closeCause);
        }
        if (outbound.atOrBelowLowWatermark()) {
            return AsyncFuture.completed(null);
        }
        AsyncFuture<Void> waiter = new AsyncFuture<>();
        waiter.onCancel(() -> onExecutor(() -> outbound.removeDrainWaiter(waiter)));
        onExecutor(() -> writes.addDrainWaiter(waiter));
        return waiter;
    }

    @Override
    public long pendingOutputBytes() {
        return outbound.queuedBytes();
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
        afterSubmitted(() -> writes.shutdownOutput(f));
        return Async.shield(f);
    }

    // ---------------------------------------------------------------------------------------------- hand-over

    /**
     * Puts a new layer on top of the transport (StartTLS, a protocol switch): {@code layer} gets the current
     * transport, as a {@link PrefixedTransport} that first serves the bytes received and not read yet and then the
     * raw read in flight, so that nothing is lost or reordered, and returns the transport the connection reads and
     * writes from then on. On the executor, after the writes other threads made before this call: refused with an
     * {@link IllegalStateException} while a user read waits (its bytes would come from either side of the switch)
     * or another hand-over is under way. The switch waits until no write is queued or in flight, so writes made
     * before it is done go out on the old transport, and a read started meanwhile waits for the new one. If
     * {@code layer} throws, the connection goes on over the prefixed transport, nothing lost, and the future fails.
     *
     * @return a future completed on the executor once the new transport is in place; it fails with the connection's
     *         failure if the connection closes first; giving it up does not stop the switch
     */
    AsyncFuture<Void> replaceTransport(UnaryOperator<ByteTransport> layer) {
        Handover h = new Handover(layer);
        if (state != OPEN) {
            h.fail(closedFailure());
        } else {
            afterSubmitted(() -> requestHandover(h));
        }
        return h.future();
    }

    private void requestHandover(Handover h) {
        if (state != OPEN) {
            h.fail(state == CLOSED ? closeCause : closedFailure());
        } else if (handover != null || reads.readerWaiting()) {
            h.fail(new IllegalStateException(handover != null
                    ? "a transport hand-over is already under way" : "a read is pending: hand over between reads"));
        } else {
            handover = h;
            reads.hold();
            handOverIfFlushed();
        }
    }

    /** On the executor: carries out the waiting hand-over once the output is sent. */
    private void handOverIfFlushed() {
        Handover h = handover;
        // A closing connection is not handed over: a new layer (a TLS handshake) must not start on it; finish fails
        // the waiting hand-over.
        if (h != null && state == OPEN && writes.isFlushed()) {
            handover = null;
            ByteTransport top = h.carryOut(reads, executor);
            transport = top;
            writes.transport(top);
            reads.resume(top);
        }
    }

    // ---------------------------------------------------------------------------------------------- closing

    @Override
    public AsyncFuture<Void> close() {
        if (STATE.compareAndSet(this, OPEN, CLOSING)) {
            afterSubmitted(() -> {
                closeRequested = true;
                if (state == CLOSING && writes.isFlushed()) {
                    finish(new ClosedChannelException(), true); // else the last write's completion does
                }
            });
        }
        return closed();
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

    /** On the executor: closes the transport at once; see {@link #finish(Throwable, boolean)}. */
    void finish(Throwable cause) {
        finish(cause, false);
    }

    /**
     * On the executor: closes the transport and fails what is pending with {@code cause}, or with the first abort's
     * failure if an abort is under way (a pending reader of a graceful close gets an
     * {@link AsynchronousCloseException}). Idempotent: the first cause stays. An {@code orderly} close (a close or
     * the idle timeout, with the output sent) lets the transport send what it owes its peer (TLS's
     * {@code close_notify}) before it closes; {@link #closed()} completes once it has.
     */
    private void finish(Throwable cause, boolean orderly) {
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
        PendingRead<?> failedReader = reads.failReader(failure);
        if (failedReader != null) {
            executor.execute(failedReader);
        }
        outbound.close(failure);
        CompletableFuture<Void> shut = outputShutdown;
        Handover h = handover;
        handover = null;
        if (idle != null) {
            idle.close();
        }
        CompletionStage<Void> transportClosed;
        if (orderly && aborted == null) {
            transportClosed = transport.closeOrderly();
        } else {
            try {
                transport.close();
            } catch (IOException e) {
                log.debug("closing {} failed", this, e);
            }
            transportClosed = null;
        }
        Runnable closedTasks = () -> {
            if (shut != null) {
                shut.completeExceptionally(failure);
            }
            if (h != null) {
                h.fail(failure);
            }
            closedPromise.complete(null);
            Consumer<StreamConnection> hook = closedHook;
            if (hook != null) {
                hook.accept(this);
            }
        };
        if (transportClosed == null) {
            executor.execute(closedTasks);
        } else {
            transportClosed.whenComplete((v, e) -> {
                if (e != null) {
                    log.debug("closing {} failed", this, e);
                }
                executor.execute(closedTasks);
            });
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

    // ---------------------------------------------------------------------------------------------- the rest

    @Override
    public SocketAddress localAddress() {
        return transport.localAddress();
    }

    @Override
    public SocketAddress remoteAddress() {
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

    @Override
    public AsyncFuture<TlsSession> startTls(TlsOptions tlsOptions) {
        Objects.requireNonNull(tlsOptions, "options");
        AsyncFuture<TlsSession> result = new AsyncFuture<>();
        result.onCancel(() -> abort("the TLS upgrade was given up", null));
        TlsTransport[] layer = new TlsTransport[1];
        replaceTransport(lower -> {
            if (TlsTransport.find(lower) != null) {
                throw new IllegalStateException("the connection is already a TLS connection");
            }
            TlsTransport tls = new TlsTransport(lower, tlsOptions, executor, timer, peerHost(lower));
            tls.start();
            layer[0] = tls;
            return tls;
        }).whenComplete((v, refused) -> {
            if (refused != null) {
                result.settleExceptionally(refused);
            } else {
                settleWithHandshake(layer[0], result);
            }
        });
        return result;
    }

    /**
     * Settles {@code result} with {@code tls}'s handshake, aborting the connection if it fails; a connection given
     * up meanwhile is aborted.
     */
    void settleWithHandshake(TlsTransport tls, AsyncFuture<TlsSession> result) {
        tls.handshake().whenComplete((session, e) -> {
            if (e != null) {
                abort("the TLS handshake failed", e);
                result.settleExceptionally(e);
            } else if (!result.settle(session)) {
                abort("the TLS handshake was given up", null);
            }
        });
    }

    /** The host a client checks the server's certificate against when its options name none: the one it dialled. */
    private static String peerHost(ByteTransport t) {
        return t.remoteAddress() instanceof InetSocketAddress ip ? ip.getHostString() : null;
    }

    @Override
    public Optional<TlsSession> tls() {
        TlsTransport tls = TlsTransport.find(transport);
        return Optional.ofNullable(tls == null ? null : tls.session());
    }

    /**
     * For tests: how many received bytes wait in the buffer, read on the executor (behind what the calling thread
     * queued there before). Blocks a caller that is not on the executor until it has its turn.
     */
    long bufferedInputBytes() {
        if (executor.inExecutor()) {
            return reads.buffered();
        }
        CompletableFuture<Long> size = new CompletableFuture<>();
        executor.execute(() -> size.complete(reads.buffered()));
        return size.join();
    }

    @Override
    public String toString() {
        // Read off the executor: a snapshot for diagnostics, possibly torn.
        int s = state;
        return "Connection[" + transport.localAddress() + " <-> " + transport.remoteAddress()
                + (s == OPEN ? ", open" : s == CLOSING ? ", closing" : ", closed") + reads.describe()
                + writes.describe() + "]";
    }
}
