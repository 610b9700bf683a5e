package io.asyncio4j.samples.ping;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.ConnectionOptions;
import io.asyncio4j.combinators.Async;
import io.asyncio4j.nio.EventLoop;

import java.time.Duration;

/**
 * A client with two timeouts: connects within a connect timeout ({@code create_connection(addr, 5)} in Python),
 * then sends the message under an operation timeout ({@code settimeout(2)}). Here the send counts as done when
 * the server has taken the message and closed the connection: the client half-closes after sending and reads
 * until the server closes, so a server that accepts but never reads or answers times out.
 */
public final class PingClient {

    /** The most bytes accepted back. */
    public static final int REPLY_LIMIT = 64 * 1024;

    private PingClient() {
    }

    /**
     * Sends {@code message} and waits for the server to close.
     *
     * @param loop           the loop to connect from
     * @param host           the server's host
     * @param port           the server's port
     * @param message        the bytes to send
     * @param connectTimeout the limit on connecting
     * @param timeout        the limit on sending and waiting for the server's close
     * @return a future of what the server sent back (nothing for the ping-server); it fails with
     *         {@link java.net.SocketTimeoutException} if connecting takes too long,
     *         {@link java.util.concurrent.TimeoutException} if the exchange does, or the connection's failure
     */
    public static AsyncFuture<byte[]> send(EventLoop loop, String host, int port, byte[] message,
                                           Duration connectTimeout, Duration timeout) {
        ConnectionOptions options = ConnectionOptions.defaults().withConnectTimeout(connectTimeout);
        return loop.connect(host, port, options).thenCompose(conn ->             // create_connection(addr, 5)
                Async.waitFor(conn.write(message)                                 // sock.settimeout(2); sendall()
                                .thenCompose(sent -> conn.shutdownOutput())
                                .thenCompose(eof -> conn.readToEnd(REPLY_LIMIT)), timeout, loop.timer())
                        .whenComplete((reply, failure) -> {
                            if (failure == null) {
                                conn.close();
                            } else {
                                conn.abort();
                            }
                        }));
    }
}
