package io.asyncio4j.samples;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.Connection;
import io.asyncio4j.Server;
import io.asyncio4j.combinators.Async;
import io.asyncio4j.nio.EventLoop;

/** The README's echo server: sends back every byte until the client closes. */
public final class EchoServer {

    private EchoServer() {
    }

    /**
     * Echoes one connection until the peer ends its stream.
     *
     * @param c the connection
     * @return a future completed when the peer has closed and everything was echoed
     */
    public static AsyncFuture<Void> echo(Connection c) {
        return Async.whileTrue(() -> c.read(64 * 1024)
                .thenCompose(buf -> buf.hasRemaining() ? c.write(buf).thenApply(v -> true)
                        : AsyncFuture.completed(false)));
    }

    /**
     * Starts the echo server on {@code host:port} of the default loop.
     *
     * @param host the address to bind
     * @param port the port, 0 for any
     * @return the running server
     */
    public static Server start(String host, int port) {
        return EventLoop.defaultLoop().listen(host, port, EchoServer::echo).join();
    }
}
