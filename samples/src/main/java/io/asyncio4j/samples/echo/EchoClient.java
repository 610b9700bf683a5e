package io.asyncio4j.samples.echo;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.ConnectionOptions;
import io.asyncio4j.TlsOptions;
import io.asyncio4j.combinators.Async;
import io.asyncio4j.nio.EventLoop;

import java.time.Duration;

/**
 * The echo client: connects (over TLS if asked), sends a message, half-closes (asyncio's {@code write_eof()}), and collects what
 * comes back until the server closes.
 */
public final class EchoClient {

    private EchoClient() {
    }

    /**
     * Sends {@code message} to {@code host:port} and returns everything the server sends back.
     *
     * @param loop    the loop to connect from
     * @param host    the server's host
     * @param port    the server's port
     * @param message the bytes to send
     * @param limit   the most bytes to accept back
     * @param timeout how long the whole exchange may take
     * @return a future of the reply; it fails with the connect failure, a
     *         {@link io.asyncio4j.LimitOverrunException} if more than {@code limit} bytes come back, or a
     *         {@link java.util.concurrent.TimeoutException}
     */
    public static AsyncFuture<byte[]> echo(EventLoop loop, String host, int port, byte[] message, int limit,
                                           Duration timeout) {
        return echo(loop, host, port, null, message, limit, timeout);
    }

    /**
     * Sends {@code message} to {@code host:port}, over TLS if {@code tls} is given, and returns everything the
     * server sends back. Over TLS the half-close sends {@code close_notify} and the client keeps reading (TLS 1.3
     * half-close); the server's end must come with its {@code close_notify}.
     *
     * @param loop    the loop to connect from
     * @param host    the server's host, also the name its certificate must match
     * @param port    the server's port
     * @param tls     client TLS options, or {@code null} for plain TCP
     * @param message the bytes to send
     * @param limit   the most bytes to accept back
     * @param timeout how long the whole exchange may take, the TLS handshake included
     * @return a future of the reply; it fails as the other form says, with an {@link javax.net.ssl.SSLException}
     *         if the handshake fails, or with a {@link io.asyncio4j.TlsTruncationException} if the server's
     *         stream ends without {@code close_notify}
     */
    public static AsyncFuture<byte[]> echo(EventLoop loop, String host, int port, TlsOptions tls, byte[] message,
                                           int limit, Duration timeout) {
        ConnectionOptions options = ConnectionOptions.defaults().withTls(tls);
        AsyncFuture<byte[]> exchange = loop.connect(host, port, options).thenCompose(conn ->
                conn.write(message)
                        .thenCompose(sent -> conn.shutdownOutput())          // write_eof(): "that was all"
                        .thenCompose(eof -> conn.readToEnd(limit))           // until the server closes
                        .whenComplete((reply, failure) -> conn.abort()));    // nothing left to send: release now
        return Async.waitFor(exchange, timeout, loop.timer());
    }
}
