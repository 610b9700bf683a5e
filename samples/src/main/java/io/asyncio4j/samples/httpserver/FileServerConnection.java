package io.asyncio4j.samples.httpserver;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.Connection;
import io.asyncio4j.combinators.Async;
import io.asyncio4j.combinators.AsyncTimer;
import io.asyncio4j.combinators.TimerHandle;
import io.asyncio4j.samples.http.BodyFraming;
import io.asyncio4j.samples.http.BodyReader;
import io.asyncio4j.samples.http.HeadWriter;
import io.asyncio4j.samples.http.HttpDate;
import io.asyncio4j.samples.http.HttpException;
import io.asyncio4j.samples.http.HttpHeaders;
import io.asyncio4j.samples.http.HttpStatus;
import io.asyncio4j.samples.http.RequestHead;
import io.asyncio4j.samples.http.RequestReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.InterruptedByTimeoutException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.LongConsumer;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * One connection of the {@link StaticFileServer}: reads a request, answers it, and goes on while the client keeps
 * the connection alive. Requests are read one after the other and each response is queued before the next
 * request is read, so pipelined requests are answered in order.
 */
final class FileServerConnection {

    private static final Logger log = LoggerFactory.getLogger(FileServerConnection.class);

    private static final Set<String> KNOWN_METHODS =
            Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT");
    private static final byte[] HELLO = "Hello, World!".getBytes(UTF_8);
    /** After a final response, how long and how much unread input is discarded before closing (no RST). */
    private static final Duration LINGER = Duration.ofSeconds(2);
    /** The latest {@link #plaintext()} response; shared by every connection, replaced each second. */
    private static volatile EncodedResponse plaintextCache;
    private static final int LINGER_BYTES = 1024 * 1024;

    private final Connection conn;
    private final AsyncTimer timer;
    private final Path root;
    private final StaticFileServer.Settings settings;
    private final LongConsumer queuedOutput;
    private final ExecutorService fileReads;
    private final StaticFileServer.WaitingConnections waiting;
    private final AsyncFuture<Void> finished = new AsyncFuture<>();
    private final BiConsumer<RequestReader.Start, Throwable> onStart = this::onStart;
    /** Runs {@link #checkLineTimer} on the connection's executor; made once. */
    private final Runnable lineTimerFired;
    private boolean first = true;
    /** The latest wait for a request line, for {@link #stopWaiting}; once complete, cancelling it does nothing. */
    private volatile AsyncFuture<?> lineWait;
    // The line timer (see serve()); touched only on the connection's executor.
    private boolean waitingForLine;
    private long lineDeadline;
    private TimerHandle lineTimer;
    private long lineTimerAt;

    FileServerConnection(Connection conn, AsyncTimer timer, Path root, StaticFileServer.Settings settings,
                         LongConsumer queuedOutput, ExecutorService fileReads,
                         StaticFileServer.WaitingConnections waiting) {
        this.conn = conn;
        this.timer = timer;
        this.root = root;
        this.settings = settings;
        this.queuedOutput = queuedOutput;
        this.fileReads = fileReads;
        this.waiting = waiting;
        this.lineTimerFired = () -> conn.executor().execute(this::checkLineTimer);
    }

    /**
     * Serves requests until one ends the connection; the server then flushes and closes it.
     *
     * <p>A loop of callbacks rather than a chain of composed futures: per request, the read and the response's
     * write, without composed stages or timer work. The wait for each request (the header timeout for the first, the
     * keep-alive timeout after) is timed by one timer task per connection that is moved forward only when it
     * fires while a later wait is pending (as Netty's idle handlers do), instead of a task scheduled and cancelled
     * per request.
     */
    AsyncFuture<Void> serve() {
        waiting.add(this);
        // Nothing cancels it today; if something does, stop waiting and end here.
        finished.onCancel(() -> conn.executor().execute(() -> {
            cancelLineWait();
            end(null);
        }));
        readNext();
        return finished;
    }

    /**
     * Starts the wait for the next request. Everything from here to the response runs on the connection's
     * executor (continuations that other threads complete come back to it), which confines the fields below.
     */
    private void readNext() {
        if (finished.isDone()) {
            return;
        }
        long timeoutNanos = nanos(first ? settings.headerTimeout : settings.keepAliveTimeout);
        first = false;
        AsyncFuture<RequestReader.Start> read;
        try {
            read = RequestReader.readStart(conn, settings.limits);
            lineWait = read;
            waitingForLine = true;
            if (timeoutNanos > 0) {
                armLineTimer(timeoutNanos);
            } else {
                read.cancel(false); // no wait at all (as Async.waitFor with a zero timeout)
            }
        } catch (RuntimeException e) { // the timer is closed: the server is going away
            end(e instanceof RejectedExecutionException ? null : e);
            return;
        }
        if (waiting.stopping()) {
            stopWaiting();
        }
        read.whenComplete(onStart);
    }

    /** A timeout in nanoseconds, at most about 73 years (so that adding it to the clock cannot overflow). */
    private static long nanos(Duration timeout) {
        if (timeout.isNegative()) {
            return 0;
        }
        return timeout.compareTo(Duration.ofNanos(Long.MAX_VALUE / 4)) > 0 ? Long.MAX_VALUE / 4 : timeout.toNanos();
    }

    /** Times the wait just started: sets its deadline, and schedules the check unless one is due by then. */
    private void armLineTimer(long timeoutNanos) {
        long deadline = timer.nanoTime() + timeoutNanos;
        lineDeadline = deadline;
        // A check due after this deadline is too late: cancel it. If it has fired already, its check is on its way
        // and will reschedule for this deadline: keep its handle, so that no second check is scheduled.
        if (lineTimer != null && lineTimerAt - deadline > 0 && lineTimer.cancel()) {
            lineTimer = null;
        }
        if (lineTimer == null) {
            lineTimerAt = deadline;
            lineTimer = timer.scheduleAt(deadline, lineTimerFired);
        }
    }

    /** The line timer's check, on the connection's executor: times out the wait, or moves on to its deadline. */
    private void checkLineTimer() {
        lineTimer = null;
        if (!waitingForLine || finished.isDone()) {
            return; // no wait now: the next one schedules a check
        }
        if (timer.nanoTime() - lineDeadline < 0) {
            try {
                lineTimerAt = lineDeadline;
                lineTimer = timer.scheduleAt(lineDeadline, lineTimerFired);
                return;
            } catch (RuntimeException closing) {
                // the timer is closed: the server is going away, stop waiting as at the deadline
            }
        }
        cancelLineWait(); // ends the connection quietly (onStart)
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
        waitingForLine = false;
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
                sent = finalResponse(error(h.status(), null, false, new HttpHeaders()));
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
        waitingForLine = false;
        TimerHandle t = lineTimer;
        lineTimer = null;
        if (t != null) {
            t.cancel();
        }
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
        Response response;
        if (head.method().equals("GET") || head.method().equals("HEAD")) {
            response = serveGet(head, keepAlive);
        } else if (KNOWN_METHODS.contains(head.method())) {
            response = error(405, head, keepAlive, new HttpHeaders().add("Allow", "GET, HEAD"));
        } else {
            response = error(501, head, keepAlive, new HttpHeaders());
        }
        return keepAlive ? response.send(this) : finalResponse(response);
    }

    /** GET or HEAD: {@code /plaintext}, a file, a directory's index.html or listing, or an error. */
    private Response serveGet(RequestHead head, boolean keepAlive) {
        boolean withBody = head.method().equals("GET");
        if (withBody && keepAlive && head.version().minor() == 1 && head.target().equals("/plaintext")) {
            return plaintext();
        }
        try {
            RequestPath path = RequestPath.parse(head.target());
            if (path.decodedPath().equals("/plaintext")) {
                return small(200, head, keepAlive, new HttpHeaders().add("Content-Type", "text/plain"), HELLO);
            }
            if (!settings.hiddenFiles && HiddenFiles.onPath(path.segments())) {
                throw new HttpException(404, "hidden file"); // before the file system: absent or not, the same 404
            }
            Path file = resolve(path);
            if (Files.isDirectory(file)) {
                if (!path.endsWithSlash()) {
                    return small(301, head, keepAlive, new HttpHeaders().add("Location", path.rawPath() + "/")
                            .add("Content-Type", "text/plain; charset=utf-8"), body(301));
                }
                Path index = file.resolve("index.html");
                if (!Files.isRegularFile(index)) {
                    return small(200, head, keepAlive,
                            new HttpHeaders().add("Content-Type", "text/html; charset=utf-8"),
                            DirectoryListing.render(file, path.decodedPath(), settings.hiddenFiles));
                }
                file = servable(index.toRealPath());
            }
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                throw new HttpException(403, "not a readable regular file");
            }
            return serveFile(head, keepAlive, file);
        } catch (HttpException e) {
            return error(e.status(), head, keepAlive, new HttpHeaders());
        } catch (NoSuchFileException e) {
            return error(404, head, keepAlive, new HttpHeaders());
        } catch (IOException e) {
            log.debug("{}: {} refused: {}", conn.remoteAddress(), head.target(), e.toString());
            return error(403, head, keepAlive, new HttpHeaders());
        }
    }

    /**
     * A regular file: 304 if the request's conditions say the client's copy is current (for HEAD too), else 206
     * with the one byte range a GET asks for, 416 if that range is past the end, or 200 with the whole file. Range
     * is ignored for HEAD (RFC 9110 §14.2 defines it for GET only), with If-Range (not implemented; ignoring
     * Range is always allowed) and when sent twice.
     */
    private Response serveFile(RequestHead head, boolean keepAlive, Path file) throws IOException {
        boolean withBody = head.method().equals("GET");
        HttpHeaders request = head.headers();
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        long size = attributes.size();
        Instant now = settings.clock.instant();
        Validators validators = Validators.of(size, attributes.lastModifiedTime(), now);
        String lastModified = HttpDate.format(validators.lastModified());
        if (validators.notModified(request, now)) {
            HttpHeaders headers = new HttpHeaders().add("Last-Modified", lastModified)
                    .add("ETag", validators.etag());
            byte[] message = HeadWriter.response(304, connection(headers, head, keepAlive), now);
            return server -> sendWhole(message, keepAlive);
        }
        ByteRange range = null;
        if (withBody && request.count("Range") == 1 && !request.contains("If-Range")) {
            try {
                range = ByteRange.parse(request.get("Range"), size);
            } catch (HttpException unsatisfiable) {
                return error(416, head, keepAlive,
                        new HttpHeaders().add("Content-Range", ByteRange.unsatisfiedRange(size)));
            }
        }
        long from = range == null ? 0 : range.first();
        long length = range == null ? size : range.length();
        HttpHeaders headers = new HttpHeaders()
                .add("Content-Type", ContentTypes.of(file.getFileName().toString()))
                .add("Content-Length", Long.toString(length));
        if (range != null) {
            headers.add("Content-Range", range.contentRange(size));
        }
        headers.add("Last-Modified", lastModified).add("ETag", validators.etag()).add("Accept-Ranges", "bytes");
        byte[] responseHead = HeadWriter.response(range == null ? 200 : 206, connection(headers, head, keepAlive),
                now);
        if (!withBody) {
            return server -> sendWhole(responseHead, keepAlive);
        }
        AsynchronousFileChannel channel = AsynchronousFileChannel.open(file, Set.of(StandardOpenOption.READ),
                fileReads);
        return server -> {
            AsyncFuture<Void> sent = conn.write(responseHead);
            if (sent.isCompletedExceptionally()) {
                close(channel);
                return sent.thenApply(v -> false);
            }
            return FileBody.send(conn, channel, from, length, settings.chunkSize, queuedOutput, this::drain)
                    .whenComplete((v, e) -> close(channel))
                    .thenApply(v -> keepAlive);
        };
    }

    /** The real path of a request path: inside the real root, every symbolic link resolved, or an exception. */
    private Path resolve(RequestPath path) throws IOException {
        Path candidate = root;
        for (String segment : path.segments()) {
            candidate = candidate.resolve(segment);
        }
        if (!candidate.normalize().startsWith(root)) {
            throw new HttpException(403, "path outside the root");
        }
        return servable(candidate.toRealPath());
    }

    /**
     * Checks a real path may be served: inside the root (else 403), and not hidden once its symbolic links are
     * resolved unless hidden files are served (else 404), so that no visible name leads to a hidden file.
     */
    private Path servable(Path real) throws HttpException {
        if (!real.startsWith(root)) {
            throw new HttpException(403, "path resolves outside the root");
        }
        if (!settings.hiddenFiles && HiddenFiles.onPath(root.relativize(real))) {
            throw new HttpException(404, "path resolves to a hidden file");
        }
        return real;
    }

    // ------------------------------------------------------------------------------------------------ responses

    /** A response ready to be queued; completes with whether the connection stays open. */
    @FunctionalInterface
    private interface Response {
        AsyncFuture<Boolean> send(FileServerConnection server);
    }

    /**
     * {@code GET /plaintext} on a keep-alive HTTP/1.1 connection, the benchmarks' request: the same bytes for a
     * whole second (only {@code Date} changes), so they are encoded once per second and shared.
     */
    private Response plaintext() {
        long second = Math.floorDiv(settings.clock.millis(), 1000);
        EncodedResponse cached = plaintextCache;
        if (cached == null || cached.second != second) {
            HttpHeaders headers = new HttpHeaders().add("Content-Type", "text/plain")
                    .add("Content-Length", Integer.toString(HELLO.length));
            cached = new EncodedResponse(second,
                    concat(HeadWriter.response(200, headers, Instant.ofEpochSecond(second)), HELLO));
            plaintextCache = cached;
        }
        byte[] message = cached.bytes;
        return server -> sendWhole(message, true);
    }

    /** A response's bytes and the second of its {@code Date}. */
    private record EncodedResponse(long second, byte[] bytes) {
    }

    /** A small text/plain error: {@code 404 Not Found\n}. A null head means the request could not be parsed. */
    private Response error(int status, RequestHead head, boolean keepAlive, HttpHeaders headers) {
        return small(status, head, keepAlive, headers.add("Content-Type", "text/plain; charset=utf-8"),
                body(status));
    }

    private static byte[] body(int status) {
        return (status + " " + HttpStatus.reason(status) + "\n").getBytes(UTF_8);
    }

    /** A response whose body is in memory: head and body queued in slices that each fit the write queue. */
    private Response small(int status, RequestHead head, boolean keepAlive, HttpHeaders headers, byte[] content) {
        headers.add("Content-Length", Integer.toString(content.length));
        byte[] responseHead = HeadWriter.response(status, connection(headers, head, keepAlive),
                settings.clock.instant());
        boolean withBody = head == null || !head.method().equals("HEAD");
        byte[] message = withBody ? concat(responseHead, content) : responseHead;
        return server -> {
            if (message.length <= settings.chunkSize) {
                return sendWhole(message, keepAlive);
            }
            int[] offset = {0};
            return Async.whileTrue(() -> {
                if (offset[0] == message.length) {
                    return AsyncFuture.completed(false);
                }
                int n = Math.min(settings.chunkSize, message.length - offset[0]);
                AsyncFuture<Void> written = conn.write(ByteBuffer.wrap(message, offset[0], n));
                offset[0] += n;
                return written.isCompletedExceptionally()
                        ? written.thenApply(v -> false) : drain().thenApply(v -> true);
            }).thenApply(v -> keepAlive);
        };
    }

    /**
     * Waits until queued output is down to the drain watermark, at most the stall timeout: a client that reads
     * nothing for that long is cut off (aborted, since a graceful close would wait for output it never reads),
     * even if it keeps sending bytes, which would otherwise count as activity for the idle timeout.
     */
    private AsyncFuture<Void> drain() {
        AsyncFuture<Void> drained = conn.drain();
        if (drained.isDone() || settings.stallTimeout.isZero()) {
            return drained;
        }
        return Async.waitFor(drained, settings.stallTimeout, timer).exceptionallyCompose(failure -> {
            Throwable e = Async.unwrap(failure);
            if (e instanceof TimeoutException) {
                conn.abort();
                return AsyncFuture.failed(new InterruptedByTimeoutException());
            }
            return AsyncFuture.failed(e);
        });
    }

    /** Queues {@code message} in one write, then drains; completes with {@code keepAlive}, false if refused. */
    private AsyncFuture<Boolean> sendWhole(byte[] message, boolean keepAlive) {
        AsyncFuture<Void> written = conn.write(message);
        return written.isCompletedExceptionally() ? written.thenApply(v -> false) : drained(keepAlive);
    }

    /** {@link #drain()}, then {@code keepAlive}: without a dependent future when there is room already. */
    private AsyncFuture<Boolean> drained(boolean keepAlive) {
        AsyncFuture<Void> drained = drain();
        if (drained.isDone() && !drained.isCompletedExceptionally()) {
            return AsyncFuture.completed(keepAlive);
        }
        return drained.thenApply(v -> keepAlive);
    }

    /** Adds the Connection field: {@code close} when closing, {@code keep-alive} for an HTTP/1.0 client. */
    private static HttpHeaders connection(HttpHeaders headers, RequestHead head, boolean keepAlive) {
        if (!keepAlive) {
            headers.add("Connection", "close");
        } else if (head != null && head.version().minor() == 0) {
            headers.add("Connection", "keep-alive");
        }
        return headers;
    }

    /**
     * Sends the last response of the connection, then half-closes and discards what the client still sends
     * (bounded) until it closes, so that unread input does not turn the close into a reset that could destroy
     * the response before the client reads it.
     */
    private AsyncFuture<Boolean> finalResponse(Response response) {
        int[] discarded = {0};
        return response.send(this).thenCompose(sent -> conn.shutdownOutput()
                .thenCompose(v -> Async.waitFor(Async.whileTrue(() -> conn.read(64 * 1024).thenApply(b -> {
                    discarded[0] += b.remaining();
                    return b.hasRemaining() && discarded[0] < LINGER_BYTES;
                })), LINGER, timer))
                .handle((v, e) -> false));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static void close(AsynchronousFileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("closing a file failed", e);
        }
    }
}
