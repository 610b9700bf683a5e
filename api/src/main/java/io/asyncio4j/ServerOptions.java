package io.asyncio4j;

import java.util.Objects;

/**
 * Immutable settings of a listener: backlog, address reuse, the connection limit, and the
 * {@link ConnectionOptions} every accepted connection gets. Start from {@link #defaults()}; each {@code with}
 * method returns a new instance.
 *
 * <p>Defaults: backlog 1024, SO_REUSEADDR on, SO_REUSEPORT off, no connection limit, default connection
 * options.
 */
public final class ServerOptions {

    private static final ServerOptions DEFAULTS = new ServerOptions(1024, true, false, Integer.MAX_VALUE,
            ConnectionOptions.defaults());

    private final int backlog;
    private final boolean reuseAddress;
    private final boolean reusePort;
    private final int maxConnections;
    private final ConnectionOptions connectionOptions;

    private ServerOptions(int backlog, boolean reuseAddress, boolean reusePort, int maxConnections,
                          ConnectionOptions connectionOptions) {
        this.backlog = backlog;
        this.reuseAddress = reuseAddress;
        this.reusePort = reusePort;
        this.maxConnections = maxConnections;
        this.connectionOptions = connectionOptions;
    }

    /**
     * Returns the default options.
     *
     * @return the defaults
     */
    public static ServerOptions defaults() {
        return DEFAULTS;
    }

    /** @return the listen backlog */
    public int backlog() {
        return backlog;
    }

    /** @return whether SO_REUSEADDR is set on the listening socket */
    public boolean reuseAddress() {
        return reuseAddress;
    }

    /** @return whether SO_REUSEPORT is set on the listening socket (where the platform supports it) */
    public boolean reusePort() {
        return reusePort;
    }

    /** @return how many connections may be open at once; more are closed at accept and counted */
    public int maxConnections() {
        return maxConnections;
    }

    /** @return the options of every accepted connection (its connect timeout is not used) */
    public ConnectionOptions connectionOptions() {
        return connectionOptions;
    }

    /**
     * @param backlog the listen backlog, at least 1
     * @return a copy with that setting
     * @throws IllegalArgumentException if not positive
     */
    public ServerOptions withBacklog(int backlog) {
        return new ServerOptions((int) ConnectionOptions.positive(backlog, "backlog"), reuseAddress, reusePort,
                maxConnections, connectionOptions);
    }

    /**
     * @param on whether to set SO_REUSEADDR
     * @return a copy with that setting
     */
    public ServerOptions withReuseAddress(boolean on) {
        return new ServerOptions(backlog, on, reusePort, maxConnections, connectionOptions);
    }

    /**
     * @param on whether to set SO_REUSEPORT; listening fails with {@code UnsupportedOperationException} where
     *           the platform lacks it
     * @return a copy with that setting
     */
    public ServerOptions withReusePort(boolean on) {
        return new ServerOptions(backlog, reuseAddress, on, maxConnections, connectionOptions);
    }

    /**
     * @param max how many connections may be open at once, at least 1
     * @return a copy with that setting
     * @throws IllegalArgumentException if not positive
     */
    public ServerOptions withMaxConnections(int max) {
        return new ServerOptions(backlog, reuseAddress, reusePort,
                (int) ConnectionOptions.positive(max, "maxConnections"), connectionOptions);
    }

    /**
     * @param options the options of every accepted connection
     * @return a copy with that setting
     */
    public ServerOptions withConnectionOptions(ConnectionOptions options) {
        return new ServerOptions(backlog, reuseAddress, reusePort, maxConnections,
                Objects.requireNonNull(options, "options"));
    }

    @Override
    public String toString() {
        return "ServerOptions{backlog=" + backlog + ", reuseAddress=" + reuseAddress + ", reusePort=" + reusePort
                + ", maxConnections=" + maxConnections + ", connectionOptions=" + connectionOptions + '}';
    }
}
