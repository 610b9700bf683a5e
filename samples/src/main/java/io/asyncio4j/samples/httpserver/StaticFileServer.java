package io.asyncio4j.samples.httpserver;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.ConnectionOptions;
import io.asyncio4j.Server;
import io.asyncio4j.ServerOptions;
import io.asyncio4j.TlsOptions;
import io.asyncio4j.nio.EventLoop;
import io.asyncio4j.samples.http.HttpLimits;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAccumulator;

/**
 * An HTTP/1.1 static file server: GET and HEAD of the files under a root directory, keep-alive and pipelining,
 * bounded reads and writes, timeouts, and no path out of the root. Hidden files (a name starting with a dot) are not served unless the settings say so;
 * files are validated by {@code ETag} and {@code Last-Modified} for conditional GETs (304) and served in single
 * byte ranges (206). {@code GET /plaintext} answers {@code Hello, World!} for benchmarks.
 */
public final class StaticFileServer {

    private final Server server;
    private final Path root;
    private final LongAccumulator maxQueuedOutput = new LongAccumulator(Math::max, 0);
    /**
     * Runs the blocking reads of the files served. Without it each {@link AsynchronousFileChannel} would use the
     * JDK's default pool, which starts a thread per concurrent read and keeps it for a minute: hundreds of
     * threads under load.
     */
    private final ExecutorService fileReads;
    private final WaitingConnections waiting = new WaitingConnections();

    private StaticFileServer(EventLoop loop, String host, int port, Path root, Settings settings) {
        this.root = root;
        this.fileReads = fileReadThreads(Math.max(2, Runtime.getRuntime().availableProcessors()));
        ConnectionOptions connection = ConnectionOptions.defaults()
                .withWriteBuffer(settings.writeLowWatermark, settings.maxQueuedWriteBytes)
                .withIdleTimeout(settings.stallTimeout)
                // Requests delimit themselves, so a client leaving between them without close_notify cut nothing.
                .withTls(settings.tls == null ? null : settings.tls.withRaggedEofAllowed(true));
        ServerOptions options = ServerOptions.defaults().withBacklog(1024)
                .withMaxConnections(settings.maxConnections)
                .withConnectionOptions(connection);
        FileRouter router = new FileRouter(new RootConfinement(root, settings.hiddenFiles), settings, fileReads);
        this.server = loop.listen(host, port,
                conn -> new FileServerConnection(conn, loop.timer(), router, settings, maxQueuedOutput::accumulate,
                        waiting).serve(),
                options).whenComplete((s, e) -> {
                    if (e != null) {
                        fileReads.shutdown();
                    }
                }).join();
        this.server.closed().whenComplete((v, e) -> fileReads.shutdown());
    }

    private static ExecutorService fileReadThreads(int threads) {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "static-file-read-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /**
     * Starts serving the files under {@code root} on {@code host:port}.
     *
     * @param loop     the event loop
     * @param host     the address to bind
     * @param port     the port, 0 for any
     * @param root     the directory whose files are served; symbolic links are followed only inside it
     * @param settings limits and timeouts
     * @return the running server
     * @throws IllegalArgumentException if {@code root} is not a directory
     * @throws java.util.concurrent.CompletionException if the address cannot be bound
     */
    public static StaticFileServer start(EventLoop loop, String host, int port, Path root, Settings settings) {
        Path realRoot;
        try {
            realRoot = root.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the root " + root, e);
        }
        if (!Files.isDirectory(realRoot)) {
            throw new IllegalArgumentException("not a directory: " + root);
        }
        return new StaticFileServer(loop, host, port, realRoot, Objects.requireNonNull(settings, "settings"));
    }

    /**
     * Returns the listening server.
     *
     * @return the server
     */
    public Server server() {
        return server;
    }

    /**
     * Ends keep-alive, for a shutdown: closes now every connection waiting for a request (idle between keep-alive
     * requests, or not sent one yet), and from now on closes each connection as soon as it has answered every
     * request it had received, pipelined ones included. Requests in progress are not disturbed. Call after the
     * server stopped accepting ({@link io.asyncio4j.Server#close()}).
     *
     * <p>A request that is still on its way when its connection is closed is lost, as with any HTTP/1.1 server
     * closing an idle connection; clients retry such requests (RFC 9112 §9.3.1).
     */
    public void closeIdleConnections() {
        waiting.stop();
    }

    /**
     * Shuts down gracefully: stops accepting (new connects are refused), {@linkplain #closeIdleConnections()
     * closes idle connections}, lets the requests already received be answered, and aborts the connections
     * still open after {@code grace}.
     *
     * @param grace how long the requests in progress may take
     * @return a future completed once the listener and every connection are closed
     */
    public AsyncFuture<Void> closeGracefully(Duration grace) {
        server.close();
        closeIdleConnections();
        return server.closeGracefully(grace);
    }

    /**
     * The open connections, each able to stop its wait for a request line. Each connection registers once, and
     * per request only publishes its wait (a volatile write) and checks {@link #stopping()}: whichever of the
     * connection and {@link #stop()} comes second sees the other.
     */
    static final class WaitingConnections {

        private final Set<FileServerConnection> connections = ConcurrentHashMap.newKeySet();
        private volatile boolean stopping;

        void add(FileServerConnection c) {
            connections.add(c);
        }

        void remove(FileServerConnection c) {
            connections.remove(c);
        }

        /** Whether keep-alive has ended: a connection starting to wait for a request stops at once. */
        boolean stopping() {
            return stopping;
        }

        void stop() {
            stopping = true;
            for (FileServerConnection c : connections) {
                c.stopWaiting();
            }
        }
    }

    /**
     * Returns the real path of the directory served.
     *
     * @return the root
     */
    public Path root() {
        return root;
    }

    /**
     * Returns the most output any connection had queued right after queuing a chunk of a file: never more than
     * the write queue's cap, however large the file or slow the client.
     *
     * @return the high-water mark of queued output, in bytes
     */
    public long maxQueuedOutputBytes() {
        return maxQueuedOutput.get();
    }

    /**
     * Limits, timeouts and buffer sizes of the server. Defaults: {@link HttpLimits#defaults()}, 10 s to read a
     * request head, 15 s idle between keep-alive requests, 30 s without progress before a stalled connection
     * is closed, 64 KiB file chunks, 64 KiB drain watermark and 256 KiB cap on each connection's queued output,
     * 10,000 connections, the system clock for {@code Date}, hidden files not served, plain HTTP (no TLS).
     */
    public static final class Settings {

        final HttpLimits limits;
        final Duration headerTimeout;
        final Duration keepAliveTimeout;
        final Duration stallTimeout;
        final int chunkSize;
        final long writeLowWatermark;
        final long maxQueuedWriteBytes;
        final int maxConnections;
        final Clock clock;
        final boolean hiddenFiles;
        final TlsOptions tls;

        private Settings(HttpLimits limits, Duration headerTimeout, Duration keepAliveTimeout, Duration stallTimeout,
                         int chunkSize, long writeLowWatermark, long maxQueuedWriteBytes, int maxConnections,
                         Clock clock, boolean hiddenFiles, TlsOptions tls) {
            if (chunkSize <= 0 || writeLowWatermark + chunkSize > maxQueuedWriteBytes) {
                throw new IllegalArgumentException("a chunk (" + chunkSize + ") above the drain watermark ("
                        + writeLowWatermark + ") must fit the write queue cap (" + maxQueuedWriteBytes + ")");
            }
            this.limits = Objects.requireNonNull(limits, "limits");
            this.headerTimeout = headerTimeout;
            this.keepAliveTimeout = keepAliveTimeout;
            this.stallTimeout = stallTimeout;
            this.chunkSize = chunkSize;
            this.writeLowWatermark = writeLowWatermark;
            this.maxQueuedWriteBytes = maxQueuedWriteBytes;
            this.maxConnections = maxConnections;
            this.clock = Objects.requireNonNull(clock, "clock");
            this.hiddenFiles = hiddenFiles;
            this.tls = tls;
        }

        /**
         * Returns the default settings.
         *
         * @return the defaults
         */
        public static Settings defaults() {
            return new Settings(HttpLimits.defaults(), Duration.ofSeconds(10), Duration.ofSeconds(15),
                    Duration.ofSeconds(30), 64 * 1024, 64 * 1024, 256 * 1024, 10_000, Clock.systemUTC(),
                    false, null);
        }

        /**
         * @param limits the codec's bounds
         * @return a copy with those bounds
         */
        public Settings withLimits(HttpLimits limits) {
            return new Settings(limits, headerTimeout, keepAliveTimeout, stallTimeout, chunkSize,
                    writeLowWatermark, maxQueuedWriteBytes, maxConnections, clock, hiddenFiles, tls);
        }

        /**
         * @param header    how long the request line, and then the header section, may take to arrive
         * @param keepAlive how long a kept-alive connection may wait for its next request line
         * @return a copy with those timeouts
         */
        public Settings withTimeouts(Duration header, Duration keepAlive) {
            return new Settings(limits, header, keepAlive, stallTimeout, chunkSize, writeLowWatermark,
                    maxQueuedWriteBytes, maxConnections, clock, hiddenFiles, tls);
        }

        /**
         * @param stall how long a connection may make no progress before it is closed: nothing read and nothing
         *              written, or a response's queued output not drained to the watermark (so a client that
         *              stops reading is cut off even if it keeps sending); frees clients that vanish without a
         *              FIN. Zero for no limit.
         * @return a copy with that timeout
         */
        public Settings withStallTimeout(Duration stall) {
            return new Settings(limits, headerTimeout, keepAliveTimeout, stall, chunkSize, writeLowWatermark,
                    maxQueuedWriteBytes, maxConnections, clock, hiddenFiles, tls);
        }

        /**
         * @param chunkSize         bytes read from a file and queued at once
         * @param lowWatermark      queued output at which the next chunk may be queued
         * @param maxQueued         the cap on a connection's queued output
         * @return a copy with those sizes
         * @throws IllegalArgumentException if a chunk above the watermark would not fit the cap
         */
        public Settings withBuffers(int chunkSize, long lowWatermark, long maxQueued) {
            return new Settings(limits, headerTimeout, keepAliveTimeout, stallTimeout, chunkSize, lowWatermark,
                    maxQueued, maxConnections, clock, hiddenFiles, tls);
        }

        /**
         * @param max how many connections may be open at once
         * @return a copy with that bound
         */
        public Settings withMaxConnections(int max) {
            return new Settings(limits, headerTimeout, keepAliveTimeout, stallTimeout, chunkSize,
                    writeLowWatermark, maxQueuedWriteBytes, max, clock, hiddenFiles, tls);
        }

        /**
         * @param clock the clock of the {@code Date} field (a fixed one makes responses reproducible)
         * @return a copy with that clock
         */
        public Settings withClock(Clock clock) {
            return new Settings(limits, headerTimeout, keepAliveTimeout, stallTimeout, chunkSize,
                    writeLowWatermark, maxQueuedWriteBytes, maxConnections, clock, hiddenFiles, tls);
        }

        /**
         * @param served whether hidden files and directories (a name starting with a dot: {@code .git/},
         *               {@code .env}) are served and listed; if not, they answer 404, as if absent, whichever
         *               name reaches them, and listings leave them out
         * @return a copy with that choice
         */
        public Settings withHiddenFiles(boolean served) {
            return new Settings(limits, headerTimeout, keepAliveTimeout, stallTimeout, chunkSize,
                    writeLowWatermark, maxQueuedWriteBytes, maxConnections, clock, served, tls);
        }

        /**
         * @param tls server TLS options: every connection is HTTPS, served once its handshake completes (see
         *            {@link ConnectionOptions#withTls}), and a client's end of stream between requests is a clean
         *            one with or without {@code close_notify} (requests delimit themselves); {@code null} for
         *            plain HTTP
         * @return a copy with that choice
         * @throws IllegalArgumentException if {@code tls} holds client options
         */
        public Settings withTls(TlsOptions tls) {
            if (tls != null && !tls.isServer()) {
                throw new IllegalArgumentException("a server needs server TLS options: " + tls);
            }
            return new Settings(limits, headerTimeout, keepAliveTimeout, stallTimeout, chunkSize,
                    writeLowWatermark, maxQueuedWriteBytes, maxConnections, clock, hiddenFiles, tls);
        }
    }
}
