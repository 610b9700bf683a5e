package io.asyncio4j.samples.echo;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.Connection;
import io.asyncio4j.ConnectionOptions;
import io.asyncio4j.Server;
import io.asyncio4j.ServerOptions;
import io.asyncio4j.TlsOptions;
import io.asyncio4j.WriteQueueFullException;
import io.asyncio4j.combinators.Async;
import io.asyncio4j.nio.EventLoop;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;

/**
 * An echo server: prints {@code Incoming connection from HOST:PORT} for each client, then sends back every byte
 * it receives until the client ends its stream. Any number of clients are served at once.
 */
public final class EchoServer {

    /** The most bytes one read takes, as {@code reader.read(8192)} in asyncio. */
    public static final int CHUNK = 8192;

    private EchoServer() {
    }

    /**
     * Starts listening.
     *
     * @param loop the loop to serve on
     * @param host the address to bind
     * @param port the port, 0 for any
     * @param out  where the {@code Incoming connection} lines go
     * @return the running server; close it to stop accepting
     */
    public static Server start(EventLoop loop, String host, int port, PrintStream out) {
        return start(loop, host, port, out, Duration.ZERO);
    }

    /**
     * Starts listening, closing a connection that neither sends nor receives anything for {@code idleTimeout}:
     * frees the connections of clients that vanished without closing (no FIN ever comes).
     *
     * @param loop        the loop to serve on
     * @param host        the address to bind
     * @param port        the port, 0 for any
     * @param out         where the {@code Incoming connection} lines go
     * @param idleTimeout how long a connection may be idle; zero for no limit
     * @return the running server; close it to stop accepting
     */
    public static Server start(EventLoop loop, String host, int port, PrintStream out, Duration idleTimeout) {
        return start(loop, host, port, null, out, idleTimeout);
    }

    /**
     * Starts listening, over TLS if {@code tls} is given: each connection is echoed once its handshake is done (a
     * client whose handshake fails is never printed), and a client's end of stream counts only with its
     * {@code close_notify}; one that ends without it has disconnected.
     *
     * @param loop        the loop to serve on
     * @param host        the address to bind
     * @param port        the port, 0 for any
     * @param tls         server TLS options, or {@code null} for plain TCP
     * @param out         where the {@code Incoming connection} lines go
     * @param idleTimeout how long a connection may be idle; zero for no limit
     * @return the running server; close it to stop accepting
     */
    public static Server start(EventLoop loop, String host, int port, TlsOptions tls, PrintStream out,
                               Duration idleTimeout) {
        ServerOptions options = ServerOptions.defaults()
                .withConnectionOptions(ConnectionOptions.defaults().withIdleTimeout(idleTimeout).withTls(tls));
        return loop.listen(host, port, conn -> {
            out.println("Incoming connection from " + describe(conn.remoteAddress()));   // handle_accepted
            return echo(conn);
        }, options).join();
    }

    /**
     * One client's echo: reads up to {@link #CHUNK} bytes and writes them back, until the end of the stream. A
     * client that resets the connection (or whose socket fails otherwise) has disconnected: the echo ends quietly
     * instead of failing the handler, which the server would log as a warning with a stack trace per client.
     *
     * @param conn the accepted connection
     * @return a future completed when the client has ended its stream or gone away, and everything was queued
     *         back
     */
    public static AsyncFuture<Void> echo(Connection conn) {
        return Async.whileTrue(() -> conn.read(CHUNK).thenCompose(data -> data.hasRemaining()
                ? conn.write(data).thenApply(sent -> true)    // self.send(data)
                : AsyncFuture.completed(false)))              // recv() returned b"": the client closed
                .exceptionallyCompose(e -> isDisconnect(Async.unwrap(e))
                        ? AsyncFuture.completed(null)         // handle_close() on a disconnect
                        : AsyncFuture.failed(e));
    }

    /** A socket error (reset, broken pipe, aborted); not a full write queue, which still fails the handler. */
    private static boolean isDisconnect(Throwable e) {
        return e instanceof IOException && !(e instanceof WriteQueueFullException);
    }

    static String describe(SocketAddress address) {
        InetSocketAddress ip = (InetSocketAddress) address;
        return ip.getAddress().getHostAddress() + ":" + ip.getPort();
    }
}
