package io.asyncio4j.nio;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.TlsHandshakeTimeoutException;
import io.asyncio4j.TlsOptions;
import io.asyncio4j.TlsSession;
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
import java.time.Duration;
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
 * <p><b>Parts.</b> The {@link TlsReader} owns the records coming up and the plaintext for the connection, the
 * {@link TlsWriter} the records going down; this class owns the engine, the handshake, the ends, and the loop that
 * drives both sides after every event until neither makes progress — a read may need a write and a write a read.
 *
 * <p><b>One owner.</b> Confined to the connection's executor: the connection calls it there, and completions from
 * below, timers and delegated tasks hop there; the engine is touched nowhere else. Buffers come from the
 * {@link TlsBufferPool} and go back as soon as they are empty, so an idle connection holds none.
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
    private final TlsReader reader;
    private final TlsWriter writer;
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
    /** {@code close_notify} was asked for: output shutdown, an orderly close, or an alert after a failure. */
    private boolean outputClosing;
    private boolean lowerOutputShut;
    /** Once {@code close_notify} is written: close below (or wait for the peer's reply first). */
    private boolean closeAfterFlush;
    /** Our {@code close_notify} is out and a close waits for the peer's. */
    private boolean awaitingPeerCloseNotify;
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
        this.reader = new TlsReader(this, lower);
        this.writer = new TlsWriter(this, lower);
        if (!options.isServer() || options.contextByServerName().isEmpty()) {
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
            handshakeTimer = timer.schedule(options.handshakeTimeout(),
                    () -> executor.execute(this::handshakeTimedOut));
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
    public <A> void read(ByteBuffer dst, A attachment, CompletionHandler<Integer, ? super A> handler) {
        if (reader.park(dst, attachment, handler)) {
            progress();
        }
    }

    @Override
    public <A> void write(ByteBuffer src, A attachment, CompletionHandler<Integer, ? super A> handler) {
        startWrite(new TlsWriter.UpperWrite(new ByteBuffer[] {src}, 0, 1, attachment, handler, true));
    }

    @Override
    public <A> void write(ByteBuffer[] srcs, int offset, int length, A attachment,
                          CompletionHandler<Long, ? super A> handler) {
        startWrite(new TlsWriter.UpperWrite(srcs, offset, length, attachment, handler, false));
    }

    private void startWrite(TlsWriter.UpperWrite w) {
        Throwable refusal = closed || abortAfterWrite || outputClosing && fatal == null
                ? new ClosedChannelException() : fatal;
        if (writer.accept(w, refusal)) {
            progress();
        }
    }

    /** The engine decrypts into the connection's buffer: arrays spare it a copy. */
    @Override
    public boolean wantsHeapBuffers() {
        return true;
    }

    /** Sends {@code close_notify} after what was written, then shuts the output below; reading goes on. */
    @Override
    public void shutdownOutput() throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        if (fatal != null) {
            throw new IOException("the TLS stream failed", fatal);
        }
        if (!outputClosing) {
            outputClosing = true;
            closeOutbound();
            progress();
        }
    }

    /**
     * Closes without {@code close_notify}. Records already handed below are written first, within the flush timeout:
     * the connection reported their plaintext written, as a socket's close still sends what its writes put in the
     * kernel's buffer; so is the alert of a failed handshake, which tells the peer why.
     */
    @Override
    public void close() {
        if (closed || abortAfterWrite) {
            return;
        }
        if (writer.inFlight()) {
            abortAfterWrite = true;
            writer.fail(new AsynchronousCloseException());
            if (fatal == null) {
                scheduleCloseTimer(options.closeNotifyFlushTimeout()); // a failure scheduled one already
            }
        } else {
            closeBelow();
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
            closeBelow();
            return closing;
        }
        writer.fail(new AsynchronousCloseException());
        closeAfterFlush = true;
        scheduleCloseTimer(options.closeNotifyFlushTimeout());
        outputClosing = true;
        closeOutbound();
        if (!writer.inFlight() && engine.isOutboundDone()) {
            closeNotifySent(); // sent already: by shutdownOutput, or by a TLS 1.2 engine answering the peer's
        } else {
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
                    again = reader.unwrapRecords(engine);
                    if (!tasksRunning && fatal == null && !closed && !lowerOutputShut) {
                        again |= writer.wrapPending(engine, outputClosing, handshakeDone && !outputClosing);
                    }
                }
            } catch (SSLException | RuntimeException e) {
                fail(e);
            }
        }
        reader.deliver(fatal, awaitingPeerCloseNotify);
        readBelowIfWanted();
    }

    /**
     * A server that picks its context by the requested name: once the client's first record is in, reads the name
     * from it and creates the engine. Returns whether there is an engine.
     */
    private boolean chooseEngine() throws SSLException {
        ByteBuffer hello = reader.firstRecord();
        if (hello == null) {
            return false;
        }
        String name = TlsClientHello.serverName(hello);
        SSLContext chosen = name == null ? null : options.contextByServerName().orElseThrow().apply(name);
        engine = TlsEngines.create(options, chosen != null ? chosen : options.context(), null, lower.remoteAddress());
        engine.beginHandshake();
        return true;
    }

    /** From the reader after each unwrap: what the handshake status asks for; whether to go on unwrapping. */
    boolean afterUnwrap(SSLEngineResult r) throws SSLException {
        HandshakeStatus hs = r.getHandshakeStatus();
        if (handshakeDone && options.isServer() && r.getStatus() == SSLEngineResult.Status.OK
                && hs != HandshakeStatus.NOT_HANDSHAKING && hs != HandshakeStatus.FINISHED
                && !"TLSv1.3".equals(engine.getSession().getProtocol())) {
            throw new SSLHandshakeException("a client-initiated renegotiation was refused");
        }
        return afterWrap(r);
    }

    /** From either side after an engine call: a finished handshake, or delegated tasks; whether to go on. */
    boolean afterWrap(SSLEngineResult r) {
        HandshakeStatus hs = r.getHandshakeStatus();
        if (hs == HandshakeStatus.FINISHED) {
            handshakeFinished();
        } else if (hs == HandshakeStatus.NEED_TASK) {
            runDelegatedTasks();
        }
        return !tasksRunning;
    }

    private void handshakeFinished() {
        if (handshakeDone) {
            return; // a TLS 1.3 post-handshake message reports FINISHED again
        }
        handshakeDone = true;
        cancel(handshakeTimer);
        handshakeTimer = null; // an idle connection keeps no timer entry
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
                    } else if (!closed && askEngineAfterTasks()) {
                        progress();
                    }
                });
            });
        } catch (RejectedExecutionException e) {
            tasksRunning = false;
            fail(new SSLException("no thread to run a task of the TLS engine", e));
        }
    }

    /**
     * The JDK's engine keeps what its task threw, or a further task, until its next call; with no record waiting
     * that call may never come, and the handshake would wait for its timeout. An empty unwrap asks. Returns whether
     * the engine can go on now.
     */
    private boolean askEngineAfterTasks() {
        try {
            return afterWrap(engine.unwrap(EMPTY, EMPTY));
        } catch (SSLException | RuntimeException e) {
            fail(e);
            return false;
        }
    }

    // ------------------------------------------------------------------------------------------ events from below

    private void readBelowIfWanted() {
        if (!closed && fatal == null && started) {
            reader.readBelowIfWanted(!handshakeDone || awaitingPeerCloseNotify);
        }
    }

    /** From the reader: records arrived, or the raw end of the stream. */
    void readBelowDone(boolean end) {
        if (end && !handshakeDone) {
            fail(new SSLHandshakeException("the peer closed the connection during the TLS handshake"));
            return;
        }
        if (end && awaitingPeerCloseNotify) {
            closeBelow();
            return;
        }
        progress();
        if (awaitingPeerCloseNotify && reader.inboundDone()) {
            closeBelow();
        }
    }

    /** From the reader: the read below failed; the connection's read fails with it after the plaintext before. */
    void readBelowFailed(Throwable e) {
        if (!handshakeDone || awaitingPeerCloseNotify) {
            fail(e);
        } else {
            reader.deliver(fatal, false);
        }
    }

    /** From the writer: the records are written. */
    void writeBelowDone() {
        if (fatal != null) {
            writer.fail(fatal);
            if (alertSent) {
                closeBelow();
            } else {
                sendAlertOrClose(); // the alert waited behind these records
            }
            return;
        }
        if (abortAfterWrite) {
            closeBelow();
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

    /** From the writer: the write below failed. */
    void writeBelowFailed(Throwable e) {
        if (closeAfterFlush || fatal != null || abortAfterWrite) {
            closeBelow();
        } else {
            fail(e);
        }
    }

    // ------------------------------------------------------------------------------------------ ends

    private void closeOutbound() {
        if (engine != null) {
            engine.closeOutbound();
        }
    }

    /** Our {@code close_notify} is written: close below, or first wait for the peer's reply. */
    private void closeNotifySent() {
        lowerOutputShut = true;
        if (!options.closeNotifyReadTimeout().isZero() && !reader.inboundDone() && !reader.rawEof()) {
            awaitingPeerCloseNotify = true;
            scheduleCloseTimer(options.closeNotifyReadTimeout());
            progress();
            return;
        }
        closeBelow();
    }

    private void scheduleCloseTimer(Duration after) {
        cancel(closeTimer);
        try {
            closeTimer = timer.schedule(after, () -> executor.execute(this::closeBelow));
        } catch (RuntimeException e) {
            closeBelow(); // no timer to bound the wait: do not wait
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
        writer.fail(e);
        reader.deliver(e, false);
        if (engine == null) {
            closeBelow();
            return;
        }
        scheduleCloseTimer(options.closeNotifyFlushTimeout());
        if (!writer.inFlight()) {
            sendAlertOrClose(); // else once the write in flight is done
        }
    }

    private void sendAlertOrClose() {
        alertSent = true;
        try {
            engine.closeOutbound();
            if (!writer.sendAlert(engine)) {
                closeBelow();
            }
        } catch (SSLException | RuntimeException alertFailed) {
            closeBelow();
        }
    }

    /** Closes below and lets go of every buffer. */
    private void closeBelow() {
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
        reader.release();
        writer.release();
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

    // ------------------------------------------------------------------------------------------ for the two sides

    Executor executor() {
        return executor;
    }

    boolean isClosed() {
        return closed;
    }

    boolean handshakeDone() {
        return handshakeDone;
    }

    boolean raggedEofAllowed() {
        return options.raggedEofAllowed();
    }

    boolean awaitingPeerCloseNotify() {
        return awaitingPeerCloseNotify;
    }

    @Override
    public String toString() {
        TlsSession s = session;
        return "TLS[" + (s != null ? s : options.isServer() ? "server, handshaking" : "client, handshaking") + "]";
    }
}
