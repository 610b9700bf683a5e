package io.asyncio4j;

import java.net.SocketAddress;
import java.time.Duration;

/**
 * A listening socket serving each accepted connection with a {@link ConnectionHandler} (asyncio's
 * {@code Server}).
 *
 * <p>{@link #close()} stops accepting and leaves the open connections running; {@link #closeGracefully}
 * additionally waits for their handlers up to a deadline and then aborts the rest; {@link #closed()} completes
 * when the listener and every connection are released.
 */
public interface Server extends AutoCloseable {

    /**
     * Returns the address the server listens on.
     *
     * @return an {@link java.net.InetSocketAddress} for TCP, with the real port when bound to port 0; a
     *         {@link java.net.UnixDomainSocketAddress} for a Unix-domain socket
     */
    SocketAddress address();

    /**
     * Returns the port the server listens on, for an IP listener.
     *
     * @return the port, the ephemeral one the system chose when bound to port 0; -1 if the listener has no port
     *         (a Unix-domain socket), as {@link java.net.ServerSocket#getLocalPort()} reports an unbound socket
     */
    int port();

    /**
     * Returns how many accepted connections are open.
     *
     * @return the number of open connections
     */
    int activeConnections();

    /**
     * Returns how many connections were accepted and closed at once because the connection limit was reached.
     *
     * @return the number of rejected connections
     */
    long rejectedConnections();

    /**
     * Stops accepting: closes the listening socket. Open connections go on. Idempotent; does not block.
     */
    @Override
    void close();

    /**
     * Stops accepting, waits up to {@code deadline} for the handlers of open connections to finish, then aborts
     * the connections still open.
     *
     * @param deadline how long to wait for handlers
     * @return the same future as {@link #closed()}
     */
    AsyncFuture<Void> closeGracefully(Duration deadline);

    /**
     * Returns a future completed once the listening socket is closed and every connection of this server is
     * closed. Each call returns a new view: cancelling it affects no one else.
     *
     * @return a future that completes normally when everything is released
     */
    AsyncFuture<Void> closed();
}
