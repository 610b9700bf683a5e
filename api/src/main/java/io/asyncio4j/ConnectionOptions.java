package io.asyncio4j;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Immutable settings of one connection, client or accepted: socket options, buffer bounds and timeouts. Start
 * from {@link #defaults()} and derive with the {@code with} methods; each returns a new instance.
 *
 * <p>Defaults: TCP_NODELAY on, SO_KEEPALIVE off, kernel buffer sizes left to the system, 64 KiB read buffer high
 * watermark, 16 KiB write low watermark, 4 MiB cap on queued output, no idle timeout, 30 s connect timeout, no TLS.
 */
public final class ConnectionOptions {

    private static final ConnectionOptions DEFAULTS = new ConnectionOptions(true, false, 0, 0, 64 * 1024,
            16 * 1024, 4L * 1024 * 1024, Duration.ZERO, Duration.ofSeconds(30), null);

    private final boolean tcpNoDelay;
    private final boolean keepAlive;
    private final int sendBufferSize;
    private final int receiveBufferSize;
    private final int readHighWatermark;
    private final long writeLowWatermark;
    private final long maxQueuedWriteBytes;
    private final Duration idleTimeout;
    private final Duration connectTimeout;
    private final TlsOptions tls;

    private ConnectionOptions(boolean tcpNoDelay, boolean keepAlive, int sendBufferSize, int receiveBufferSize,
                              int readHighWatermark, long writeLowWatermark, long maxQueuedWriteBytes,
                              Duration idleTimeout, Duration connectTimeout, TlsOptions tls) {
        this.tcpNoDelay = tcpNoDelay;
        this.keepAlive = keepAlive;
        this.sendBufferSize = sendBufferSize;
        this.receiveBufferSize = receiveBufferSize;
        this.readHighWatermark = readHighWatermark;
        this.writeLowWatermark = writeLowWatermark;
        this.maxQueuedWriteBytes = maxQueuedWriteBytes;
        this.idleTimeout = idleTimeout;
        this.connectTimeout = connectTimeout;
        this.tls = tls;
    }

    /**
     * Returns the default options.
     *
     * @return the defaults
     */
    public static ConnectionOptions defaults() {
        return DEFAULTS;
    }

    /** @return whether TCP_NODELAY is set (Nagle's algorithm off) */
    public boolean tcpNoDelay() {
        return tcpNoDelay;
    }

    /** @return whether SO_KEEPALIVE is set */
    public boolean keepAlive() {
        return keepAlive;
    }

    /** @return SO_SNDBUF in bytes, or 0 for the system default */
    public int sendBufferSize() {
        return sendBufferSize;
    }

    /** @return SO_RCVBUF in bytes, or 0 for the system default */
    public int receiveBufferSize() {
        return receiveBufferSize;
    }

    /**
     * @return how many received bytes may wait in the connection's buffer before it stops reading from the
     *         socket and TCP pushes back on the peer (a pending read that needs more may exceed it, up to its own
     *         limit)
     */
    public int readHighWatermark() {
        return readHighWatermark;
    }

    /** @return the queued-output level at or below which {@code drain()} completes */
    public long writeLowWatermark() {
        return writeLowWatermark;
    }

    /**
     * @return the hard cap on queued output: a write made once this many bytes are queued fails with
     *         {@link WriteQueueFullException}; one made below it is admitted whatever its size
     */
    public long maxQueuedWriteBytes() {
        return maxQueuedWriteBytes;
    }

    /** @return how long a connection may see no read or write activity before it is closed; zero for never */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** @return how long {@code connect} may take before it fails; zero for no limit */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /**
     * @param on whether to set TCP_NODELAY
     * @return a copy with that setting
     */
    public ConnectionOptions withTcpNoDelay(boolean on) {
        return new ConnectionOptions(on, keepAlive, sendBufferSize, receiveBufferSize, readHighWatermark,
                writeLowWatermark, maxQueuedWriteBytes, idleTimeout, connectTimeout, tls);
    }

    /**
     * @param on whether to set SO_KEEPALIVE
     * @return a copy with that setting
     */
    public ConnectionOptions withKeepAlive(boolean on) {
        return new ConnectionOptions(tcpNoDelay, on, sendBufferSize, receiveBufferSize, readHighWatermark,
                writeLowWatermark, maxQueuedWriteBytes, idleTimeout, connectTimeout, tls);
    }

    /**
     * @param bytes SO_SNDBUF, or 0 for the system default
     * @return a copy with that setting
     * @throws IllegalArgumentException if negative
     */
    public ConnectionOptions withSendBufferSize(int bytes) {
        return new ConnectionOptions(tcpNoDelay, keepAlive, nonNegative(bytes, "sendBufferSize"),
                receiveBufferSize, readHighWatermark, writeLowWatermark, maxQueuedWriteBytes, idleTimeout,
                connectTimeout, tls);
    }

    /**
     * @param bytes SO_RCVBUF, or 0 for the system default
     * @return a copy with that setting
     * @throws IllegalArgumentException if negative
     */
    public ConnectionOptions withReceiveBufferSize(int bytes) {
        return new ConnectionOptions(tcpNoDelay, keepAlive, sendBufferSize, nonNegative(bytes, "receiveBufferSize"),
                readHighWatermark, writeLowWatermark, maxQueuedWriteBytes, idleTimeout, connectTimeout, tls);
    }

    /**
     * @param bytes the read buffer high watermark, at least 1
     * @return a copy with that setting
     * @throws IllegalArgumentException if not positive
     */
    public ConnectionOptions withReadHighWatermark(int bytes) {
        return new ConnectionOptions(tcpNoDelay, keepAlive, sendBufferSize, receiveBufferSize,
                (int) positive(bytes, "readHighWatermark"), writeLowWatermark, maxQueuedWriteBytes, idleTimeout,
                connectTimeout, tls);
    }

    /**
     * @param lowWatermark the level {@code drain()} waits for, at least 0
     * @param maxQueued    the hard cap on queued output, greater than {@code lowWatermark}
     * @return a copy with those settings
     * @throws IllegalArgumentException if {@code lowWatermark} is negative or not below {@code maxQueued}
     */
    public ConnectionOptions withWriteBuffer(long lowWatermark, long maxQueued) {
        nonNegative(lowWatermark, "writeLowWatermark");
        if (maxQueued <= lowWatermark) {
            throw new IllegalArgumentException("maxQueuedWriteBytes (" + maxQueued
                    + ") must be greater than writeLowWatermark (" + lowWatermark + ")");
        }
        return new ConnectionOptions(tcpNoDelay, keepAlive, sendBufferSize, receiveBufferSize, readHighWatermark,
                lowWatermark, maxQueued, idleTimeout, connectTimeout, tls);
    }

    /**
     * @param timeout how long without read or write activity before the connection is closed; zero for never
     * @return a copy with that setting
     * @throws IllegalArgumentException if negative
     */
    public ConnectionOptions withIdleTimeout(Duration timeout) {
        return new ConnectionOptions(tcpNoDelay, keepAlive, sendBufferSize, receiveBufferSize, readHighWatermark,
                writeLowWatermark, maxQueuedWriteBytes, nonNegative(timeout, "idleTimeout"), connectTimeout, tls);
    }

    /**
     * @param timeout how long {@code connect} may take; zero for no limit
     * @return a copy with that setting
     * @throws IllegalArgumentException if negative
     */
    public ConnectionOptions withConnectTimeout(Duration timeout) {
        return new ConnectionOptions(tcpNoDelay, keepAlive, sendBufferSize, receiveBufferSize, readHighWatermark,
                writeLowWatermark, maxQueuedWriteBytes, idleTimeout, nonNegative(timeout, "connectTimeout"), tls);
    }

    /** @return the TLS settings of the connection, if it is a TLS connection */
    public Optional<TlsOptions> tls() {
        return Optional.ofNullable(tls);
    }

    /**
     * Makes the connection a TLS connection: a client's {@code connect} completes once the handshake has, and a
     * server's handler starts once it has (a connection whose handshake fails or times out is closed and never
     * reaches the handler). Client options on a client, server options on a server's connections.
     *
     * @param options the TLS settings, or {@code null} for a plain connection
     * @return a copy with that setting
     */
    public ConnectionOptions withTls(TlsOptions options) {
        return new ConnectionOptions(tcpNoDelay, keepAlive, sendBufferSize, receiveBufferSize, readHighWatermark,
                writeLowWatermark, maxQueuedWriteBytes, idleTimeout, connectTimeout, options);
    }

    static int nonNegative(int value, String name) {
        return (int) nonNegative((long) value, name);
    }

    static long nonNegative(long value, String name) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must not be negative: " + value);
        }
        return value;
    }

    static long positive(long value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
        return value;
    }

    static Duration nonNegative(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative: " + value);
        }
        return value;
    }

    @Override
    public String toString() {
        return "ConnectionOptions{tcpNoDelay=" + tcpNoDelay + ", keepAlive=" + keepAlive + ", sendBufferSize="
                + sendBufferSize + ", receiveBufferSize=" + receiveBufferSize + ", readHighWatermark="
                + readHighWatermark + ", writeLowWatermark=" + writeLowWatermark + ", maxQueuedWriteBytes="
                + maxQueuedWriteBytes + ", idleTimeout=" + idleTimeout + ", connectTimeout=" + connectTimeout
                + (tls == null ? "" : ", tls=" + tls) + '}';
    }
}
