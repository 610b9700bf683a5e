package io.asyncio4j.samples.httpserver;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.Connection;
import io.asyncio4j.combinators.Async;
import io.asyncio4j.combinators.AsyncTimer;
import io.asyncio4j.samples.http.HeadWriter;
import io.asyncio4j.samples.http.HttpHeaders;
import io.asyncio4j.samples.http.HttpStatus;
import io.asyncio4j.samples.http.RequestHead;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.InterruptedByTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * Makes the {@link Response}s of one connection and writes them without ever queuing more than the connection's
 * cap: a message in memory in slices of one chunk, a file chunk by chunk ({@link FileBody}), each slice or chunk
 * after the queued output has drained to the watermark. A client that takes nothing for the stall timeout is cut
 * off. The last response of a connection is followed by a half-close and a bounded linger.
 */
final class ResponseWriter {

    private static final Logger log = LoggerFactory.getLogger(ResponseWriter.class);

    /** After a final response, how long and how much unread input is discarded before closing (no RST). */
    private static final Duration LINGER = Duration.ofSeconds(2);
    private static final int LINGER_BYTES = 1024 * 1024;

    private final Connection conn;
    private final AsyncTimer timer;
    private final StaticFileServer.Settings settings;
    private final LongConsumer queuedOutput;

    /**
     * @param queuedOutput told the connection's queued output after each file chunk is queued (for monitoring)
     */
    ResponseWriter(Connection conn, AsyncTimer timer, StaticFileServer.Settings settings, LongConsumer queuedOutput) {
        this.conn = conn;
        this.timer = timer;
        this.settings = settings;
        this.queuedOutput = queuedOutput;
    }

    /** The connection written to. */
    Connection connection() {
        return conn;
    }

    /** A message already encoded, head and body, queued in one write. */
    Response whole(byte[] message, boolean keepAlive) {
        return () -> sendWhole(message, keepAlive);
    }

    /** A small text/plain error: {@code 404 Not Found\n}. A null head means the request could not be parsed. */
    Response error(int status, RequestHead head, boolean keepAlive, HttpHeaders headers) {
        return small(status, head, keepAlive, headers.add("Content-Type", "text/plain; charset=utf-8"),
                statusBody(status));
    }

    /** The body of a status-only response: {@code 301 Moved Permanently\n}. */
    static byte[] statusBody(int status) {
        return (status + " " + HttpStatus.reason(status) + "\n").getBytes(UTF_8);
    }

    /**
     * A response whose body is in memory (left out for HEAD): head and body queued in slices that each fit the
     * write queue.
     */
    Response small(int status, RequestHead head, boolean keepAlive, HttpHeaders headers, byte[] content) {
        headers.add("Content-Length", Integer.toString(content.length));
        byte[] responseHead = HeadWriter.response(status, connectionField(headers, head, keepAlive),
                settings.clock.instant());
        boolean withBody = head == null || !head.method().equals("HEAD");
        byte[] message = withBody ? concat(responseHead, content) : responseHead;
        return () -> {
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
     * A response head, then {@code length} bytes of {@code file} from offset {@code from}; the file is closed once
     * sent or failed.
     */
    Response file(byte[] responseHead, AsynchronousFileChannel file, long from, long length, boolean keepAlive) {
        return () -> {
            AsyncFuture<Void> sent = conn.write(responseHead);
            if (sent.isCompletedExceptionally()) {
                close(file);
                return sent.thenApply(v -> false);
            }
            return FileBody.send(conn, file, from, length, settings.chunkSize, queuedOutput, this::drain)
                    .whenComplete((v, e) -> close(file))
                    .thenApply(v -> keepAlive);
        };
    }

    /**
     * Sends the last response of the connection, then half-closes and discards what the client still sends
     * (bounded) until it closes, so that unread input does not turn the close into a reset that could destroy
     * the response before the client reads it.
     *
     * @return a future completed with {@code false} (the connection closes) whatever happened
     * @throws java.util.concurrent.RejectedExecutionException if the timer is closed: the server is going away
     */
    AsyncFuture<Boolean> sendLast(Response response) {
        int[] discarded = {0};
        return response.send().thenCompose(sent -> conn.shutdownOutput()
                .thenCompose(v -> Async.waitFor(Async.whileTrue(() -> conn.read(64 * 1024).thenApply(b -> {
                    discarded[0] += b.remaining();
                    return b.hasRemaining() && discarded[0] < LINGER_BYTES;
                })), LINGER, timer))
                .handle((v, e) -> false));
    }

    /** Adds the Connection field: {@code close} when closing, {@code keep-alive} for an HTTP/1.0 client. */
    static HttpHeaders connectionField(HttpHeaders headers, RequestHead head, boolean keepAlive) {
        if (!keepAlive) {
            headers.add("Connection", "close");
        } else if (head != null && head.version().minor() == 0) {
            headers.add("Connection", "keep-alive");
        }
        return headers;
    }

    /** {@code a} then {@code b} in one new array. */
    static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
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

    private static void close(AsynchronousFileChannel file) {
        try {
            file.close();
        } catch (IOException e) {
            log.debug("closing a file failed", e);
        }
    }
}
