package io.asyncio4j.samples.time;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.combinators.Async;
import io.asyncio4j.nio.EventLoop;

import java.io.EOFException;
import java.time.Duration;

import static java.nio.charset.StandardCharsets.US_ASCII;

/** A time client: connects and reads the one line the server sends. */
public final class TimeClient {

    /** The most bytes the time line may have, as {@code recv(1024)} in Python. */
    public static final int LINE_LIMIT = 1024;

    private TimeClient() {
    }

    /**
     * Connects to a time server and reads its line.
     *
     * @param loop    the loop to connect from
     * @param host    the server's host
     * @param port    the server's port
     * @param timeout how long the exchange may take
     * @return a future of the line without its CRLF; it fails with the connect failure, an
     *         {@link EOFException} if the server closes without sending anything, a
     *         {@link io.asyncio4j.LimitOverrunException} for a line over {@link #LINE_LIMIT} bytes, or a
     *         {@link java.util.concurrent.TimeoutException}
     */
    public static AsyncFuture<String> fetch(EventLoop loop, String host, int port, Duration timeout) {
        AsyncFuture<String> line = loop.connect(host, port).thenCompose(conn ->
                conn.readLine(LINE_LIMIT, US_ASCII)
                        .thenCompose(text -> text != null
                                ? AsyncFuture.completed(text)
                                : AsyncFuture.<String>failed(new EOFException("the server closed without a line")))
                        .whenComplete((text, failure) -> conn.close()));
        return Async.waitFor(line, timeout, loop.timer());
    }
}
