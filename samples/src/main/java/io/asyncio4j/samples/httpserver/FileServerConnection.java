package io.asyncio4j.samples.httpserver;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.Connection;
import io.asyncio4j.combinators.Async;
import io.asyncio4j.combinators.AsyncTimer;
import io.asyncio4j.combinators.DeadlineTimer;
import io.asyncio4j.samples.http.BodyFraming;
import io.asyncio4j.samples.http.BodyReader;
import io.asyncio4j.samples.http.HttpException;
import io.asyncio4j.samples.http.HttpHeaders;
import io.asyncio4j.samples.http.RequestHead;
import io.asyncio4j.samples.http.RequestReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.LongConsumer;

/**
 * The keep-alive loop of one connection of the {@link StaticFileServer}: reads a request, has it answered, and goes
 * on while the client keeps the connection alive. Requests are read one after the other and each response is
 * queued before the next request is read, so pipelined requests are answered in order. The {@link FileRouter}
 * chooses each response and the {@link ResponseWriter} writes it.
 */
final class FileServerConnection {

    private static final Logger log = LoggerFactory.getLogger(FileServerConnection.class);

    private final Connection conn;
    private final AsyncTimer timer;
    private final FileRouter router;
    private final ResponseWriter writer;
    private final StaticFileServer.Settings settings;
    private final StaticFileServer.WaitingConnections waiting;
    private final AsyncFuture<Void> finished = new AsyncFuture<>();
    private final BiConsumer<RequestReader.Start, Throwable> onStart = this::onStart;
    /**
     * Times each wait for a request line with one timer task per connection, moved forward only when it fires
     * while a later wait is pending, instead of a task scheduled and cancelled per request; confined to the
     * connection's executor.
     */
    private final DeadlineTimer lineDeadline;
    private boolean first = true;
    /** The latest wait for a request line, for {@link #stopWaiting}; once complete, cancelling it does nothing. */
    private volatile AsyncFuture<?> lineWait;

    FileServerConnection(Connection conn, AsyncTimer timer, FileRouter router, StaticFileServer.Settings settings,
                         LongConsumer queuedOutput, StaticFileServer.WaitingConnections waiting) {
        this.conn = conn;
        this.timer = timer;
        this.router = router;
        this.writer = new ResponseWriter(conn, timer, settings, queuedOutput);
        this.settings = settings;
        this.waiting = waiting;
        // A deadline passed, or the timer closed because the server is going away: either way, stop waiting.
        this.lineDeadline = new DeadlineTimer(timer, conn.executor(), this::cancelLineWait);
    }

    /**
     * Serves requests until one ends the connection; the server then flushes and closes it.
     *
     * <p>A loop of callbacks rather than a chain of composed futures: per request, the read and the response's
     * write, without composed stages or timer work. The wait for each request is timed by the header timeout
     * for the first and the keep-alive timeout after.
     */
    AsyncFuture<Void> serve() {
        waiting.add(this);
        // No caller cancels it; if one does, stop waiting and end here.
        finished.onCancel(() -> conn.executor().execute(() -> {
            cancelLineWait();
            end(null);
        }));
        readNext();
        return finished;
    }

    /**
     * Starts the wait for the next request. Everything from here to the response runs on the connection's
     * executor (continuations that other threads complete come back to it), which confines the fields above.
     */
    private void readNext() {
        if (finished.isDone()) {
            return;
        }
        Duration timeout = first ? settings.headerTimeout : settings.keepAliveTimeout;
        first = false;
        AsyncFuture<RequestReader.Start> read;
        try {
            read = RequestReader.readStart(conn, settings.limits);
            lineWait = read;
            if (timeout.isNegative() || timeout.isZero()) {
                read.cancel(false); // waits for nothing, as Async.waitFor with a zero timeout does
            } else {
                lineDeadline.expireAfter(timeout);
            }
        } catch (RejectedExecutionException e) { // the loop is shutting down: nothing is left to wait with
            end(null);
            return;
        } catch (RuntimeException e) {
            end(e);
            return;
        }
        if (waiting.stopping()) {
            stopWaiting();
        }
        read.whenComplete(onStart);
    }

    /** Cancels the latest wait for a request line, if any (a completed one is not affected). */
    private void cancelLineWait() {
        AsyncFuture<?> w = lineWait;
        if (w != null) {
            w.cancel(false);
        }
    }

    /**
     * The request line (and usually the whole head) arrived, or the wait ended: a {@code null} start or a timeout,
     * a reset or the server's shutdown (which cancel the read) end the connection quietly; an {@link HttpException}
     * is answered before closing.
     */
    private void onStart(RequestReader.Start start, Throwable failure) {
        try {
            started(start, failure);
        } catch (Throwable e) { // a callback's exception would be lost: end the handler with it
            end(e);
        }
    }

    private void started(RequestReader.Start start, Throwable failure) {
        lineDeadline.disarm();
        if (failure != null) {
            Throwable e = Async.unwrap(failure);
            boolean quiet = e instanceof TimeoutException || e instanceof IOException
                    || e instanceof CancellationException;
            if (quiet && !(e instanceof HttpException)) { // an IOException too, but one to answer
                log.debug("{}: closing quietly: {}", conn.remoteAddress(), e.toString());
                end(null);
            } else {
                failed(e);
            }
            return;
        }
        if (start == null) {
            end(null);
            return;
        }
        if (start.complete()) {
            respondThenNext(start.head());
            return;
        }
        Async.waitFor(RequestReader.readHeaders(conn, settings.limits, start.head()), settings.headerTimeout, timer)
                .whenCompleteAsync((head, e) -> guarded(() -> {
                    if (e == null) {
                        respondThenNext(head);
                        return;
                    }
                    Throwable t = Async.unwrap(e);
                    if (t instanceof CancellationException) {
                        end(null); // the server is shutting down
                    } else {
                        failed(t instanceof TimeoutException
                                ? new HttpException(408, "header section not received in time") : t);
                    }
                }), conn.executor());
    }

    /** Answers {@code head}, then reads the next request if the connection stays open. */
    private void respondThenNext(RequestHead head) {
        AsyncFuture<Boolean> responded;
        try {
            responded = respond(head);
        } catch (RuntimeException e) {
            failed(e);
            return;
        }
        if (responded.isDone() && !responded.isCompletedExceptionally()) {
            next(responded.join()); // the usual case: queued at once, nothing to wait for
        } else {
            responded.whenCompleteAsync((keepAlive, e) -> guarded(() -> {
                if (e == null) {
                    next(keepAlive);
                } else {
                    failed(Async.unwrap(e));
                }
            }), conn.executor()); // a file read or a timer may complete it: back to this connection's executor
        }
    }

    private void next(boolean keepAlive) {
        if (keepAlive) {
            readNext();
        } else {
            end(null);
        }
    }

    /**
     * A request could not be served: an {@link HttpException} gets its error response before the connection
     * closes; a socket error (the client ended or reset the stream inside a body, RFC 9112 §8, or while a response
     * was written) leaves nothing to answer; anything else fails the handler.
     */
    private void failed(Throwable e) {
        if (e instanceof HttpException h) {
            log.debug("{}: {} {}", conn.remoteAddress(), h.status(), h.getMessage());
            AsyncFuture<Boolean> sent;
            try {
                sent = writer.sendLast(writer.error(h.status(), null, false, new HttpHeaders()));
            } catch (RuntimeException x) { // the timer is closed: the server is going away
                end(null);
                return;
            }
            sent.whenCompleteAsync((v, x) -> end(null), conn.executor());
        } else if (e instanceof IOException) {
            log.debug("{}: closing: {}", conn.remoteAddress(), e.toString());
            end(null);
        } else {
            end(e);
        }
    }

    /** Runs a continuation's body; what it throws ends the handler (it would be lost in a dependent future). */
    private void guarded(Runnable body) {
        try {
            body.run();
        } catch (Throwable e) {
            end(e);
        }
    }

    /** Ends {@link #serve()}: normally (the server flushes and closes) or with {@code failure}. */
    private void end(Throwable failure) {
        lineDeadline.close();
        waiting.remove(this);
        if (failure == null) {
            finished.settle(null);
        } else {
            finished.settleExceptionally(failure);
        }
    }

    /**
     * Stops the wait for a request line, if one is in progress, for {@link StaticFileServer#closeIdleConnections}:
     * the wait is cancelled through the connection's executor, behind the delivery of a request line already
     * received (a pipelined request), so that only a connection with no complete request is closed. A wait that
     * has already ended is not affected.
     */
    void stopWaiting() {
        AsyncFuture<?> w = lineWait;
        if (w != null) {
            conn.executor().execute(() -> w.cancel(false));
        }
    }

    /** Reads (and drops) the request body so framing stays right, then answers; completes with keep-alive. */
    private AsyncFuture<Boolean> respond(RequestHead head) {
        BodyFraming framing;
        try {
            framing = RequestReader.framing(head);
        } catch (HttpException e) {
            return AsyncFuture.failed(e);
        }
        if (framing.isEmpty()) {
            return answer(head);
        }
        return Async.waitFor(BodyReader.discard(conn, framing, settings.limits), settings.headerTimeout, timer)
                .exceptionallyCompose(failure -> AsyncFuture.failed(Async.unwrap(failure) instanceof TimeoutException
                        ? new HttpException(408, "request body not received in time") : Async.unwrap(failure)))
                .thenCompose(n -> answer(head));
    }

    /** Queues the response to a request whose body has been read; completes with keep-alive. */
    private AsyncFuture<Boolean> answer(RequestHead head) {
        boolean keepAlive = head.keepAlive();
        if (log.isDebugEnabled()) {
            log.debug("{}: {} {} {}", conn.remoteAddress(), head.method(), head.target(), head.version());
        }
        Response response = router.route(head, writer);
        return keepAlive ? response.send() : writer.sendLast(response);
    }
}
