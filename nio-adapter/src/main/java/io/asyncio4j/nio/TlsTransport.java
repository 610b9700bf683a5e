package io.asyncio4j.nio;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.TlsHandshakeTimeoutException;
import io.asyncio4j.TlsOptions;
import io.asyncio4j.TlsSession;
import io.asyncio4j.TlsTruncationException;
import io.asyncio4j.combinators.AsyncTimer;
import io.asyncio4j.combinators.TimerHandle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.CompletionHandler;
import java.nio.channels.ReadPendingException;
import java.nio.channels.WritePendingException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * TLS as a layer of the transport stack: plaintext above, records below, a JDK {@link SSLEngine} between. The
 * connection reads and writes plaintext through it as through a socket, so every read form, limit, timeout and
 * give-up rule holds over TLS unchanged.
 *
 * <p><b>Its own reads and writes.</b> The layer keeps a read of the transport below in flight whenever it has no
 * decrypted bytes waiting for the connection, whether or not the connection asks — a handshake, a TLS 1.3 session
 * ticket or key update, a {@code close_notify} must be read while the application reads nothing — and stops while
 * decrypted bytes wait, so the peer is pushed back as by a socket. It never cancels a read below. It writes
 * handshake messages, alerts and {@code close_notify} between the records of the connection's writes, one write
 * below at a time, and takes no more plaintext while one is in flight, so the connection's cap on queued output
 * bounds what a peer that never reads can make it hold.
 *
 * <p><b>The engine's rules.</b> Records are framed by their header before {@code unwrap} (see {@link TlsRecords});
 * buffer sizes are asked of the session on every overflow; {@code unwrap} and {@code wrap} are called until they
 * make no progress, a {@code CLOSED} result with nothing consumed or produced being terminal; the engine may ask to
 * wrap while unwrapping and the other way round; delegated tasks run on {@link TlsOptions#delegatedTaskExecutor()}
 * and the engine resumes on the connection's executor; a TLS 1.2 server refuses a client's renegotiation.
 *
 * <p><b>Ends.</b> The peer's {@code close_notify} reads as the end of the stream; a raw end without it fails the
 * read with a {@link TlsTruncationException} (or reads as the end between records when ragged ends are allowed);
 * {@link #shutdownOutput()} sends {@code close_notify} and keeps reading; {@link #closeOrderly()} sends it within
 * the flush timeout and closes, waiting for the peer's only when asked; {@link #close()} sends nothing.
 *
 * <p><b>One owner.</b> Confined to the connection's executor: the connection calls it there, and completions from
 * below, timers and delegated tasks hop there; the engine is touched nowhere else. Buffers come from the
 * {@link TlsBufferPool} and go back as soon as they are empty, so an idle connection holds none.
 *
 * <p>The file is long because the engine's read side and write side are coupled at every step (a read may need a
 * write and a write a read) through state that one class keeps in one place.
 */
final class TlsTransport extends ForwardingTransport {

    private static final Logger log = LoggerFactory.getLogger(TlsTransport.class);
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final TlsOptions options;
    private final Executor executor;
    private final AsyncTimer timer;
    private final Executor taskExecutor;
    /** On a client: the name checked against the certificate and, if a DNS name, sent as SNI. */
    private final String serverName;
    private final AsyncFuture<TlsSession> handshake = new AsyncFuture<>();
    /** {@code null} on a server that picks its context by the name the client asks for, until it has asked. */
    private SSLEngine engine;
    private volatile TlsSession session;

    private boolean started;
    private boolean handshakeDone;
    private boolean tasksRunning;
    private boolean closed;
    /** The TLS stream failed: a bad record, a failed handshake, a write failure below. */
    private Throwable fatal;
    private TimerHandle handshakeTimer;
    private TimerHandle closeTimer;
    private CompletableFuture<Void> closing;
    /** Our {@code close_notify} is out and a close waits for the peer's. */
    private boolean awaitingPeerCloseNotify;

    // ---- the read side
    private final ReadSizer sizer = new ReadSizer();
    private final RawRead rawRead = new RawRead();
    private boolean rawReadInFlight;
    private boolean rawEof;
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

    // ---- the write side
    private final RawWrite rawWrite = new RawWrite();
    /** Records being written below, in read mode; {@code null} when none. */
    private ByteBuffer netOut;
    private boolean rawWriteInFlight;
    private UpperWrite upperWrite;
    /** Plaintext of {@code upperWrite} in the records being written. */
    private long wrappedForUpper;
    /** {@code close_notify} was asked for (output shutdown, close, or an alert after a failure). */
    private boolean outputClosing;
    private boolean lowerOutputShut;
    /** Once {@code close_notify} is written: close below (or wait for the peer's reply first). */
    private boolean closeAfterFlush;
    /** After a failure: the engine's alert has been asked for. */
    private boolean alertSent;
    /** Closed from above while records were being written: close below once they are. */
    private boolean abortAfterWrite;

    TlsTransport(ByteTransport lower, TlsOptions options, Executor executor, AsyncTimer timer, String host) {
        super(lower);
        this.options = options;
        this.executor = executor;
        this.timer = timer;
        this.taskExecutor = options.delegatedTaskExecutor().orElse(timer::execute);
        this.serverName = options.isServer() ? null : options.serverName().orElse(host);
        if (options.isServer() && options.contextByServerName().isPresent()) {
            this.engine = null;
        } else {
            this.engine = TlsEngines.create(options, options.context(), serverName, lower.remoteAddress());
        }
    }

    /** The first {@code TlsTransport} in the stack under {@code top}, or {@code null}. */
    static TlsTransport find(ByteTransport top) {
        ByteTransport t = top;
        while (t instanceof ForwardingTransport f) {
            if (t instanceof TlsTransport tls) {
                return tls;
            }
            t = f.lower;
        }
        return null;
    }

    /** Completes with the handshake's result on the connection's executor, or fails with why it failed. */
    AsyncFuture<TlsSession> handshake() {
        return handshake;
    }

    /** What the handshake settled, from any thread; {@code null} until it has. */
    TlsSession session() {
        return session;
    }

    /** On the executor: starts the handshake timer and the handshake (a client's hello, a server's first read). */
    void start() {
        if (started || closed) {
            return;
        }
        started = true;
        try {
            handshakeTimer = timer.schedule(options.handshakeTimeout(), () -> executor.execute(this::handshakeTimedOut));
        } catch (RuntimeException e) {
            fail(new SSLException("no timer for the TLS handshake", e));
            return;
        }
        if (engine != null) {
            try {
                engine.beginHandshake();
            } catch (SSLException | RuntimeException e) {
                fail(e);
                return;
            }
        }
        progress();
    }

    // ------------------------------------------------------------------------------------------ the transport face

    @Override
    @SuppressWarnings("unchecked")
    public <A> void read(ByteBuffer dst, A attachment, CompletionHandler<Integer, ? super A> handler) {
        if (readHandler != null) {
            throw new ReadPendingException();
        }
        if (!dst.hasRemaining()) {
            handler.completed(0, attachment);
            return;
        }
        readDst = dst;
        readAttachment = attachment;
        readHandler = (CompletionHandler<Integer, Object>) handler;
        producedIntoDst = 0;
        progress();
    }

    @Override
    public <A> void write(ByteBuffer src, A attachment, CompletionHandler<Integer, ? super A> handler) {
        startWrite(new UpperWrite(new ByteBuffer[] {src}, 0, 1, attachment, handler, true));
    }

    @Override
    public <A> void write(ByteBuffer[] srcs, int offset, int length, A attachment,
                          CompletionHandler<Long, ? super A> handler) {
        startWrite(new UpperWrite(srcs, offset, length, attachment, handler, false));
    }

    private void startWrite(UpperWrite w) {
        if (upperWrite != null) {
            throw new WritePendingException();
        }
        Throwable refused = closed || abortAfterWrite ? new ClosedChannelException() : fatal;
        if (refused == null && outputClosing) {
            refused = new ClosedChannelException();
        }
        if (refused != null) {
            w.fail(refused);
            return;
        }
        if (!w.hasRemaining()) {
            w.complete(0);
            return;
        }
        upperWrite = w;
        progress();
    }

    /** Sends {@code close_notify} after what was written, then shuts the output below; reading goes on. */
    @Override
    public void shutdownOutput() throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        if (outputClosing) {
            return;
        }
        if (fatal != null) {
            throw new IOException("the TLS stream failed", fatal);
        }
        outputClosing = true;
        closeOutbound();
        progress();
    }

    /**
     * Closes without {@code close_notify}. Records already handed below are written first, within the flush timeout:
     * the connection reported their plaintext written, as a socket's close still sends what its writes put in the
     * kernel's buffer.
     */
    @Override
    public void close() {
        if (closed || abortAfterWrite) {
            return;
        }
        if (rawWriteInFlight && fatal == null) {
            abortAfterWrite = true;
            failUpperWrite(new AsynchronousCloseException());
            scheduleCloseTimer(options.closeNotifyFlushTimeout());
        } else {
            closeBelow(null);
        }
    }

    /**
     * Sends {@code close_notify} behind what was written, bounded by the flush timeout, optionally waits for the
     * peer's, and closes below. A connection whose handshake is not done is closed at once, as asyncio does.
     */
    @Override
    public CompletionStage<Void> closeOrderly() {
        if (closing != null) {
            return closing;
        }
        closing = new CompletableFuture<>();
        if (closed) {
            closing.complete(null);
            return closing;
        }
        if (!handshakeDone || fatal != null || tasksRunning) {
            closeBelow(null);
            return closing;
        }
        failUpperWrite(new AsynchronousCloseException());
        closeAfterFlush = true;
        scheduleCloseTimer(options.closeNotifyFlushTimeout());
        if (outputClosing && !rawWriteInFlight && engine.isOutboundDone()) {
            closeNotifySent(); // shutdownOutput sent it already
        } else {
            outputClosing = true;
            closeOutbound();
            progress();
        }
        return closing;
    }

    // ------------------------------------------------------------------------------------------ the engine loop

    /** On the executor, after every event: decrypts, encrypts, delivers, and reads below as needed. */
    private void progress() {
        if (closed || abortAfterWrite) {
            return;
        }
        if (started && fatal == null && !tasksRunning) {
            try {
                if (engine == null && !chooseEngine()) {
                    readBelowIfWanted();
                    return;
                }
                boolean again = true;
                while (again && !closed && fatal == null && !tasksRunning) {
                    again = unwrapRecords();
                    if (!tasksRunning && fatal == null && !closed) {
                        again |= wrapPending();
                    }
                }
            } catch (SSLException | RuntimeException e) {
                fail(e);
            }
        }
        deliver();
        readBelowIfWanted();
    }

    /**
     * A server that picks its context by the requested name: once the client's first record is in, reads the name
     * from it and creates the engine. Returns whether there is an engine.
     */
    private boolean chooseEngine() throws SSLException {
        if (netIn == null) {
            return false;
        }
        netIn.flip();
        try {
            int length = TlsRecords.length(netIn);
            if (length == 0 || length > 0 && netIn.remaining() < length) {
                return false;
            }
            String name = length < 0 ? null : TlsClientHello.serverName(netIn.duplicate().limit(netIn.position() + length));
            SSLContext chosen = name == null ? null : options.contextByServerName().orElseThrow().apply(name);
            engine = TlsEngines.create(options, chosen != null ? chosen : options.context(), null, lower.remoteAddress());
            engine.beginHandshake();
            return true;
        } finally {
            netIn.compact();
        }
    }

    /** Decrypts the whole records received; returns whether it consumed any. */
    private boolean unwrapRecords() throws SSLException {
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
                ByteBuffer target = unwrapTarget();
                if (target == null) {
                    break; // decrypted bytes wait for the connection's next read
                }
                SSLEngineResult r = engine.unwrap(netIn, target);
                if (target == readDst) {
                    producedIntoDst += r.bytesProduced();
                }
                switch (r.getStatus()) {
                    case BUFFER_UNDERFLOW:
                        return progressed; // an unframed start (SSLv2 hello) wants more
                    case BUFFER_OVERFLOW:
                        if (!makeRoomForPlaintext(target)) {
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
                afterEngineCall(r, true);
                if (tasksRunning || r.bytesConsumed() == 0 && r.bytesProduced() == 0) {
                    break;
                }
            }
        } finally {
            netIn.compact();
            if (netIn.position() == 0) {
                TlsBufferPool.release(netIn, false, 0);
                netIn = null;
            }
        }
        return progressed;
    }

    /**
     * Where the next record's plaintext goes: straight into the connection's read buffer when it waits and nothing
     * decrypted is queued before, else the layer's own buffer; {@code null} when that holds bytes and is full.
     */
    private ByteBuffer unwrapTarget() {
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
    private boolean makeRoomForPlaintext(ByteBuffer target) {
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
     * Encrypts what is due — handshake messages, {@code close_notify} or an alert, then the connection's pending
     * write — into one buffer, and writes it below. Returns whether the engine took or gave anything.
     */
    private boolean wrapPending() throws SSLException {
        if (rawWriteInFlight || lowerOutputShut || engine == null) {
            return false;
        }
        boolean progressed = false;
        ByteBuffer out = null;
        try {
            while (true) {
                boolean control = engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP
                        || outputClosing && !engine.isOutboundDone();
                UpperWrite w = upperWrite;
                boolean data = !control && handshakeDone && !outputClosing && w != null && w.hasRemaining();
                if (!control && !data) {
                    break;
                }
                int packet = engine.getSession().getPacketBufferSize();
                if (out == null) {
                    out = TlsBufferPool.acquire(packet);
                } else if (out.remaining() < packet) {
                    break; // full: send what is there first
                }
                SSLEngineResult r = data
                        ? engine.wrap(w.srcs, w.offset, w.length, out)
                        : engine.wrap(EMPTY, out);
                if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                    if (out.position() > 0) {
                        break;
                    }
                    TlsBufferPool.release(out, false, 0);
                    out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
                    continue;
                }
                if (data) {
                    wrappedForUpper += r.bytesConsumed();
                    if (r.getStatus() == SSLEngineResult.Status.CLOSED && r.bytesConsumed() == 0
                            && wrappedForUpper == 0) {
                        failUpperWrite(new ClosedChannelException()); // the engine's output is closed
                    }
                }
                boolean moved = r.bytesConsumed() > 0 || r.bytesProduced() > 0;
                progressed |= moved;
                afterEngineCall(r, false);
                if (tasksRunning || !moved) {
                    break;
                }
            }
        } finally {
            if (out != null && out.position() > 0) {
                out.flip();
                netOut = out;
                writeBelow();
                completeUpperWrite();
            } else if (out != null) {
                TlsBufferPool.release(out, false, 0);
            }
        }
        return progressed;
    }

    /** What an engine call's handshake status asks for. */
    private void afterEngineCall(SSLEngineResult r, boolean unwrapping) throws SSLException {
        HandshakeStatus hs = r.getHandshakeStatus();
        if (hs == HandshakeStatus.FINISHED) {
            handshakeFinished();
        } else if (hs == HandshakeStatus.NEED_TASK) {
            runDelegatedTasks();
        } else if (unwrapping && handshakeDone && options.isServer() && r.getStatus() == SSLEngineResult.Status.OK
                && hs != HandshakeStatus.NOT_HANDSHAKING && !engine.getSession().getProtocol().equals("TLSv1.3")) {
            throw new SSLHandshakeException("a client-initiated renegotiation was refused");
        }
    }

    private void handshakeFinished() {
        if (handshakeDone) {
            return; // a TLS 1.3 post-handshake message reports FINISHED again
        }
        handshakeDone = true;
        cancel(handshakeTimer);
        SSLSession s = engine.getSession();
        String sni = options.isServer() ? requestedName(s) : TlsEngines.sniName(options, serverName);
        TlsSession ts = TlsSession.of(s, engine.getApplicationProtocol(), sni);
        session = ts;
        executor.execute(() -> handshake.settle(ts));
    }

    private static String requestedName(SSLSession s) {
        if (s instanceof ExtendedSSLSession e) {
            for (SNIServerName n : e.getRequestedServerNames()) {
                if (n instanceof SNIHostName h) {
                    return h.getAsciiName();
                }
            }
        }
        return null;
    }

    /** Hands the engine's delegated tasks to the task executor; the engine waits until they are done. */
    private void runDelegatedTasks() {
        List<Runnable> tasks = new ArrayList<>(2);
        for (Runnable t = engine.getDelegatedTask(); t != null; t = engine.getDelegatedTask()) {
            tasks.add(t);
        }
        if (tasks.isEmpty()) {
            return;
        }
        tasksRunning = true;
        try {
            taskExecutor.execute(() -> {
                Throwable failure = null;
                try {
                    for (Runnable t : tasks) {
                        t.run();
                    }
                } catch (Throwable e) {
                    failure = e;
                }
                Throwable f = failure;
                executor.execute(() -> {
                    tasksRunning = false;
                    if (f != null) {
                        fail(new SSLException("a task of the TLS engine failed", f));
                    } else {
                        progress();
                    }
                });
            });
        } catch (RejectedExecutionException e) {
            tasksRunning = false;
            fail(new SSLException("no thread to run a task of the TLS engine", e));
        }
    }

    // ------------------------------------------------------------------------------------------ the read side

    /** Completes the connection's read with decrypted bytes, the end of the stream, or a failure, if any is due. */
    private void deliver() {
        CompletionHandler<Integer, Object> h = readHandler;
        if (h == null) {
            if (awaitingPeerCloseNotify) {
                discardPlaintext();
            }
            return;
        }
        int n;
        Throwable failure = null;
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
        } else if (fatal != null) {
            n = 0;
            failure = fatal;
        } else if (inboundFailure != null) {
            n = 0;
            failure = inboundFailure;
        } else if (rawEof && handshakeDone) {
            n = 0;
            failure = endWithoutCloseNotify();
            if (failure == null) {
                n = -1;
            }
        } else {
            return;
        }
        Object a = readAttachment;
        readHandler = null;
        readDst = null;
        readAttachment = null;
        producedIntoDst = 0;
        intoDstOverflowed = false;
        if (failure != null) {
            h.failed(failure, a);
        } else {
            h.completed(n, a);
        }
    }

    /** The raw stream ended with no {@code close_notify} and nothing decryptable left: a truncation, or a ragged end. */
    private Throwable endWithoutCloseNotify() {
        boolean midRecord = netIn != null && netIn.position() > 0;
        if (!midRecord && options.raggedEofAllowed()) {
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
     * Keeps a read below in flight while the handshake needs bytes, a close waits for the peer's {@code close_notify},
     * or no decrypted bytes wait for the connection.
     */
    private void readBelowIfWanted() {
        if (rawReadInFlight || rawEof || closed || fatal != null || inboundFailure != null || !started) {
            return;
        }
        boolean plaintextWaiting = appIn != null && appInRead < appIn.position() || producedIntoDst > 0;
        boolean want = !handshakeDone || awaitingPeerCloseNotify || !inboundDone && !plaintextWaiting;
        if (!want || inboundDone && !awaitingPeerCloseNotify) {
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
        if (closed) {
            return;
        }
        if (n < 0) {
            rawEof = true;
            if (!handshakeDone) {
                fail(new SSLHandshakeException("the peer closed the connection during the TLS handshake"));
                return;
            }
            if (awaitingPeerCloseNotify) {
                closeBelow(null);
                return;
            }
        } else {
            b.flip();
            appendToNetIn(b);
            sizer.recycle(b, n);
        }
        progress();
        if (awaitingPeerCloseNotify && inboundDone) {
            closeBelow(null);
        }
    }

    private void rawReadFailed(Throwable e) {
        rawReadInFlight = false;
        if (closed) {
            return;
        }
        if (!handshakeDone || awaitingPeerCloseNotify) {
            fail(e);
            return;
        }
        inboundFailure = e;
        deliver();
    }

    private void appendToNetIn(ByteBuffer b) {
        if (netIn == null) {
            netIn = TlsBufferPool.acquire(b.remaining());
        } else if (netIn.remaining() < b.remaining()) {
            ByteBuffer grown = ByteBuffer.allocate(netIn.position() + Math.max(b.remaining(), TlsRecords.MAX_RECORD));
            netIn.flip();
            grown.put(netIn);
            TlsBufferPool.release(netIn, false, 0);
            netIn = grown;
        }
        netIn.put(b);
    }

    // ------------------------------------------------------------------------------------------ the write side

    private void writeBelow() {
        rawWriteInFlight = true;
        try {
            lower.write(netOut, null, rawWrite);
        } catch (RuntimeException e) {
            rawWrite.failed(e, null);
        }
    }

    private void rawWriteCompleted() {
        rawWriteInFlight = false;
        if (closed) {
            return;
        }
        if (netOut.hasRemaining()) {
            writeBelow();
            return;
        }
        TlsBufferPool.release(netOut, false, 0);
        netOut = null;
        if (abortAfterWrite) {
            closeBelow(null);
            return;
        }
        if (fatal != null) {
            failUpperWrite(fatal);
            if (alertSent) {
                closeBelow(null);
            } else {
                sendAlertOrClose();
            }
            return;
        }
        if (outputClosing && engine.isOutboundDone() && !lowerOutputShut) {
            if (closeAfterFlush) {
                closeNotifySent();
                return;
            }
            lowerOutputShut = true;
            try {
                lower.shutdownOutput();
            } catch (IOException e) {
                log.debug("shutting the output down under TLS failed", e);
            }
        }
        progress();
    }

    private void rawWriteFailed(Throwable e) {
        rawWriteInFlight = false;
        if (closed) {
            return;
        }
        if (netOut != null) {
            TlsBufferPool.release(netOut, false, 0);
            netOut = null;
        }
        if (closeAfterFlush || fatal != null) {
            closeBelow(null);
            return;
        }
        fail(e);
    }

    /**
     * The connection's write is done once its plaintext is in records handed below, as a socket's write is once its
     * bytes are in the kernel's buffer: the layer holds no more than the records of one buffer beyond the connection's
     * own queue, since it wraps nothing more until they are written.
     */
    private void completeUpperWrite() {
        UpperWrite w = upperWrite;
        if (w != null && wrappedForUpper > 0) {
            long n = wrappedForUpper;
            upperWrite = null;
            wrappedForUpper = 0;
            w.complete(n);
        }
    }

    private void failUpperWrite(Throwable e) {
        UpperWrite w = upperWrite;
        if (w != null) {
            upperWrite = null;
            wrappedForUpper = 0;
            w.fail(e);
        }
    }

    // ------------------------------------------------------------------------------------------ ends

    private void closeOutbound() {
        if (engine != null) {
            engine.closeOutbound();
        }
    }

    /** Our {@code close_notify} (or alert) is written: close below, or first wait for the peer's reply. */
    private void closeNotifySent() {
        lowerOutputShut = true;
        if (fatal == null && !options.closeNotifyReadTimeout().isZero() && !inboundDone && !rawEof) {
            awaitingPeerCloseNotify = true;
            scheduleCloseTimer(options.closeNotifyReadTimeout());
            discardPlaintext();
            progress();
            return;
        }
        closeBelow(null);
    }

    private void scheduleCloseTimer(java.time.Duration after) {
        cancel(closeTimer);
        try {
            closeTimer = timer.schedule(after, () -> executor.execute(() -> closeBelow(null)));
        } catch (RuntimeException e) {
            closeBelow(null); // no timer to bound the wait: do not wait
        }
    }

    private void handshakeTimedOut() {
        if (!handshakeDone && !closed && fatal == null) {
            fail(new TlsHandshakeTimeoutException(options.handshakeTimeout()));
        }
    }

    /**
     * The TLS stream failed: the handshake and the connection's pending operations fail with {@code e}, and the
     * engine's alert, if it has one, is sent before closing below, within the flush timeout.
     */
    private void fail(Throwable e) {
        if (fatal != null || closed) {
            return;
        }
        fatal = e;
        log.debug("TLS failed on {}", lower.remoteAddress(), e);
        cancel(handshakeTimer);
        if (!handshakeDone) {
            executor.execute(() -> handshake.settleExceptionally(e));
        }
        failUpperWrite(e);
        deliver();
        if (engine == null) {
            closeBelow(null);
            return;
        }
        scheduleCloseTimer(options.closeNotifyFlushTimeout());
        if (!rawWriteInFlight) {
            sendAlertOrClose(); // else once the write in flight is done
        }
    }

    private void sendAlertOrClose() {
        alertSent = true;
        try {
            engine.closeOutbound();
            if (!sendAlert()) {
                closeBelow(null);
            }
        } catch (SSLException | RuntimeException alertFailed) {
            closeBelow(null);
        }
    }

    /** After a failure: wraps the engine's alert and writes it; returns whether anything is being written. */
    private boolean sendAlert() throws SSLException {
        ByteBuffer out = TlsBufferPool.acquire(engine.getSession().getPacketBufferSize());
        SSLEngineResult r = engine.wrap(EMPTY, out);
        if (r.bytesProduced() == 0) {
            TlsBufferPool.release(out, false, 0);
            return false;
        }
        out.flip();
        netOut = out;
        writeBelow();
        return true;
    }

    /** Closes below and lets go of every buffer; {@code cause} unused beyond the handshake's failure. */
    private void closeBelow(Throwable cause) {
        if (closed) {
            return;
        }
        closed = true;
        cancel(handshakeTimer);
        cancel(closeTimer);
        try {
            lower.close();
        } catch (IOException e) {
            log.debug("closing under TLS failed", e);
        }
        if (appIn != null) {
            releaseAppIn();
        }
        if (netIn != null) {
            TlsBufferPool.release(netIn, false, 0);
            netIn = null;
        }
        if (!handshake.isDone()) {
            Throwable f = fatal != null ? fatal : new AsynchronousCloseException();
            executor.execute(() -> handshake.settleExceptionally(f));
        }
        CompletableFuture<Void> c = closing;
        if (c != null) {
            executor.execute(() -> c.complete(null));
        }
    }

    private static void cancel(TimerHandle t) {
        if (t != null) {
            t.cancel();
        }
    }

    @Override
    public String toString() {
        TlsSession s = session;
        return "TLS[" + (s != null ? s : options.isServer() ? "server, handshaking" : "client, handshaking") + "]";
    }

    // ------------------------------------------------------------------------------------------ completions

    /** The read below: its outcome hops to the executor. One per layer, since at most one is in flight. */
    private final class RawRead implements CompletionHandler<Integer, ByteBuffer>, Runnable {
        private int count;
        private ByteBuffer buffer;
        private Throwable failure;

        @Override
        public void completed(Integer n, ByteBuffer b) {
            count = n;
            buffer = b;
            executor.execute(this);
        }

        @Override
        public void failed(Throwable e, ByteBuffer b) {
            failure = e;
            buffer = b;
            executor.execute(this);
        }

        @Override
        public void run() {
            Throwable e = failure;
            ByteBuffer b = buffer;
            failure = null;
            buffer = null;
            if (e != null) {
                rawReadFailed(e);
            } else {
                rawReadCompleted(count, b);
            }
        }
    }

    /** The write below: its outcome hops to the executor. */
    private final class RawWrite implements CompletionHandler<Integer, Void>, Runnable {
        private Throwable failure;

        @Override
        public void completed(Integer n, Void unused) {
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
            if (e != null) {
                rawWriteFailed(e);
            } else {
                rawWriteCompleted();
            }
        }
    }

    /** The connection's write in progress: its plaintext buffers and its handler, of either form. */
    private static final class UpperWrite {
        final ByteBuffer[] srcs;
        final int offset;
        final int length;
        final Object attachment;
        final CompletionHandler<?, Object> handler;
        final boolean single;

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
