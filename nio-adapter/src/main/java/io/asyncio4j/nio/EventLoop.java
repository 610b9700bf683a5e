package io.asyncio4j.nio;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.Connection;
import io.asyncio4j.ConnectionHandler;
import io.asyncio4j.ConnectionOptions;
import io.asyncio4j.Server;
import io.asyncio4j.ServerOptions;
import io.asyncio4j.TlsOptions;
import io.asyncio4j.combinators.AsyncTimer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.NetworkChannel;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The NIO.2 event loop: owns an {@link AsynchronousChannelGroup} (its I/O threads), a pool of worker threads, a
 * timer, and a small resolver pool for host names; opens connections ({@link #connect}) and listeners
 * ({@link #listen}). One loop serves any number of listeners and connections.
 *
 * <h2>Threads</h2>
 * <ul>
 *   <li>I/O threads run the socket completions and, through each connection's serial executor, the callbacks of
 *       the futures that complete there. Callbacks of one connection never run concurrently.</li>
 *   <li>Worker threads run what the timer makes due: idle and connect timeouts, {@code sleep}, {@code waitFor}
 *       timeouts on {@link #timer()}. The timer's own thread never runs user code.</li>
 *   <li>Host names are resolved on resolver threads, never on an I/O thread.</li>
 *   <li>Each listener has an accept thread ({@code NAME-accept-N}), which takes connections off the backlog and
 *       starts each one's handler through the connection's executor: a handler's first step runs there; the
 *       callbacks after it run on I/O threads (a worker thread takes those that complete while the first step
 *       runs, so that accepting goes on). It ends when the listener is closed. It is a thread of its own because
 *       the JDK queues an accept completion that finds a connection waiting behind every busy socket of a round
 *       of the I/O threads.</li>
 * </ul>
 * All threads are daemon threads. Never block in a callback: it holds up the other connections of the thread.
 *
 * <p>{@link #defaultLoop()} is created on first use, sized to the machine, and never closed; loops from
 * {@link #builder()} are closed with {@link #close()}.
 *
 * <h2>Tuning</h2>
 * For request/response traffic, run the JVM with {@code -Dsun.nio.ch.disableSynchronousRead=true}. A NIO.2 read
 * started on an I/O thread otherwise tries the socket at once, before waiting for readiness; a connection's next
 * read starts right after it answers, before the peer can have sent anything, so that first try fails with
 * {@code EAGAIN} and costs a system call per read. With the property set, reads wait for readiness first. It is a
 * property of the JDK's NIO.2 implementation on Linux and other Unix systems (read once, when its socket channel
 * class is loaded; Windows ignores it), applies to every NIO.2 socket of the JVM, and is ignored by JDKs that do not
 * know it; asyncio4j works the same with or without it. benchmarks/MEASUREMENTS.md has what it changes.
 */
public final class EventLoop implements AutoCloseable {

    private static final class DefaultHolder {
        static final EventLoop DEFAULT = builder().name("asyncio4j").build(true);
    }

    private final String name;
    private final AsynchronousChannelGroup group;
    private final ThreadPoolExecutor workers;
    private final ThreadPoolExecutor resolver;
    private final ThreadFactory acceptThreads;
    private final AsyncTimer timer;
    private final boolean isDefault;

    private EventLoop(Builder b, boolean isDefault) {
        this.name = b.name;
        this.isDefault = isDefault;
        try {
            this.group = AsynchronousChannelGroup.withFixedThreadPool(b.ioThreads,
                    threads(b.name + "-io", b.threadStackSize));
        } catch (IOException e) {
            throw new IllegalStateException("cannot open an asynchronous channel group", e);
        }
        this.workers = pool(b.ioThreads, threads(b.name + "-worker", b.threadStackSize));
        this.resolver = pool(2, threads(b.name + "-resolver", 0));
        this.acceptThreads = threads(b.name + "-accept", b.threadStackSize);
        this.timer = AsyncTimer.create(b.name + "-timer", workers);
    }

    /**
     * Returns the process-wide loop, created on first use with one I/O thread per core. It cannot be closed.
     *
     * @return the default loop
     */
    public static EventLoop defaultLoop() {
        return DefaultHolder.DEFAULT;
    }

    /**
     * Returns a builder of a new loop.
     *
     * @return a builder with one I/O thread per core and the platform's default thread stack size
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the loop's timer, whose due tasks run on the loop's worker threads.
     *
     * @return the timer
     */
    public AsyncTimer timer() {
        return timer;
    }

    /**
     * Connects to {@code host:port} with the default options (asyncio {@code open_connection}).
     *
     * @param host a host name or address literal
     * @param port the port
     * @return a future of the connection; see {@link #connect(String, int, ConnectionOptions)}
     */
    public AsyncFuture<Connection> connect(String host, int port) {
        return connect(host, port, ConnectionOptions.defaults());
    }

    /**
     * Connects to {@code host:port} (asyncio {@code open_connection}).
     *
     * <p>A host name is resolved on a resolver thread, then the socket connects. The future fails with the JDK's
     * exceptions: {@link UnknownHostException}, {@link java.net.ConnectException} when refused,
     * {@link java.net.NoRouteToHostException} when unreachable, and {@link java.net.SocketTimeoutException} when
     * {@link ConnectionOptions#connectTimeout()} passes first (the socket is then closed). Cancelling the future
     * closes the socket.
     *
     * @param host    a host name or address literal
     * @param port    the port, 0 to 65535
     * @param options the connection's options
     * @return a future of the connection, completed on the connection's executor
     * @throws IllegalArgumentException if the port is out of range
     */
    public AsyncFuture<Connection> connect(String host, int port, ConnectionOptions options) {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(options, "options");
        checkPort(port);
        if (options.tls().map(TlsOptions::isServer).orElse(false)) {
            throw new IllegalArgumentException("connect needs client TLS options (TlsOptions.client), not server ones");
        }
        AsyncFuture<Connection> result = new AsyncFuture<>();
        new ConnectOperation(this, host, port, options, result).start();
        return result;
    }

    /**
     * Listens on {@code host:port} with the default options (asyncio {@code start_server}).
     *
     * @param host    the address to bind, or {@code null} for every interface
     * @param port    the port, 0 for an ephemeral one
     * @param handler serves each accepted connection
     * @return a future of the server; see {@link #listen(String, int, ConnectionHandler, ServerOptions)}
     */
    public AsyncFuture<Server> listen(String host, int port, ConnectionHandler handler) {
        return listen(host, port, handler, ServerOptions.defaults());
    }

    /**
     * Listens on {@code host:port} and serves each accepted connection with {@code handler} (asyncio
     * {@code start_server}).
     *
     * <p>The future completes once the socket is bound and accepting; it fails with a {@link java.net.BindException}
     * if the address is in use, and with {@link UnsupportedOperationException} if SO_REUSEPORT was asked for where
     * the platform lacks it. Connections beyond {@link ServerOptions#maxConnections()} are closed at accept and
     * counted. A handler runs on its connection's executor; see {@link ConnectionHandler} for what happens when
     * it completes or fails.
     *
     * @param host    the address to bind, or {@code null} for every interface
     * @param port    the port, 0 for an ephemeral one that {@link Server#port()} reports
     * @param handler serves each accepted connection
     * @param options the listener's options
     * @return a future of the server, completed on a resolver thread or the calling thread
     * @throws IllegalArgumentException if the port is out of range
     */
    public AsyncFuture<Server> listen(String host, int port, ConnectionHandler handler, ServerOptions options) {
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(options, "options");
        checkPort(port);
        if (!options.connectionOptions().tls().map(TlsOptions::isServer).orElse(true)) {
            throw new IllegalArgumentException("listen needs server TLS options (TlsOptions.server), not client ones");
        }
        AsyncFuture<Server> result = new AsyncFuture<>();
        resolve(host, result, address -> {
            AsynchronousServerSocketChannel ch = null;
            try {
                ch = AsynchronousServerSocketChannel.open(group);
                ch.setOption(StandardSocketOptions.SO_REUSEADDR, options.reuseAddress());
                if (options.reusePort()) {
                    if (!ch.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
                        throw new UnsupportedOperationException("SO_REUSEPORT is not supported on this platform");
                    }
                    ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                }
                ch.bind(address == null ? new InetSocketAddress(port) : new InetSocketAddress(address, port),
                        options.backlog());
                NioServer server = new NioServer(ch, handler, options, timer, acceptThreads);
                if (result.isDone()) { // cancelled meanwhile
                    server.close();
                    return;
                }
                server.startAccepting(); // closes the server if its thread cannot start
                if (!result.settle(server)) {
                    server.close();
                }
            } catch (Throwable e) { // IOException, RuntimeException, or no thread for the accept loop
                closeQuietly(ch);
                result.settleExceptionally(e);
            }
        });
        return result;
    }

    /**
     * Resolves {@code host} off the I/O threads (inline for a literal address or {@code null}), then hands the
     * address to {@code then}; a failure fails {@code result}.
     */
    void resolve(String host, AsyncFuture<?> result, Consumer<InetAddress> then) {
        if (host == null || host.isEmpty()) {
            then.accept(null);
            return;
        }
        if (isAddressLiteral(host)) {
            try {
                then.accept(InetAddress.getByName(host));
            } catch (UnknownHostException e) {
                result.settleExceptionally(e);
            }
            return;
        }
        try {
            resolver.execute(() -> {
                if (result.isDone()) {
                    return;
                }
                InetAddress address;
                try {
                    address = InetAddress.getByName(host);
                } catch (UnknownHostException e) {
                    result.settleExceptionally(e);
                    return;
                }
                then.accept(address);
            });
        } catch (RuntimeException closed) {
            result.settleExceptionally(closed);
        }
    }

    AsynchronousChannelGroup group() {
        return group;
    }

    static boolean isAddressLiteral(String host) {
        if (host.indexOf(':') >= 0) {
            return true;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c != '.' && (c < '0' || c > '9')) {
                return false;
            }
        }
        return true;
    }

    static void applyOptions(NetworkChannel ch, ConnectionOptions o) throws IOException {
        ch.setOption(StandardSocketOptions.TCP_NODELAY, o.tcpNoDelay());
        ch.setOption(StandardSocketOptions.SO_KEEPALIVE, o.keepAlive());
        if (o.sendBufferSize() > 0) {
            ch.setOption(StandardSocketOptions.SO_SNDBUF, o.sendBufferSize());
        }
        if (o.receiveBufferSize() > 0) {
            ch.setOption(StandardSocketOptions.SO_RCVBUF, o.receiveBufferSize());
        }
    }

    static void closeQuietly(java.nio.channels.Channel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // Closing is all that was asked; there is nothing to report.
            }
        }
    }

    private static void checkPort(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /**
     * Closes the loop: every socket of the loop is closed at once (pending operations fail), the timer stops, and
     * the threads end. Waits up to 5 seconds for the I/O threads unless called from one of them.
     *
     * @throws UnsupportedOperationException for the {@linkplain #defaultLoop() default loop}
     */
    @Override
    public void close() {
        if (isDefault) {
            throw new UnsupportedOperationException("the default loop cannot be closed");
        }
        timer.close();
        try {
            group.shutdownNow();
        } catch (IOException e) {
            throw new IllegalStateException("closing the channel group failed", e);
        }
        workers.shutdown();
        resolver.shutdown();
        if (!(Thread.currentThread() instanceof LoopThread && ((LoopThread) Thread.currentThread()).loop == this)) {
            try {
                group.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Returns whether {@link #close()} was called.
     *
     * @return {@code true} once closed
     */
    public boolean isClosed() {
        return group.isShutdown();
    }

    @Override
    public String toString() {
        return "EventLoop[" + name + "]";
    }

    private ThreadFactory threads(String prefix, long stackSize) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new LoopThread(this, r, prefix + "-" + n.incrementAndGet(), stackSize);
            t.setDaemon(true);
            return t;
        };
    }

    private static ThreadPoolExecutor pool(int threads, ThreadFactory factory) {
        ThreadPoolExecutor p = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), factory);
        p.allowCoreThreadTimeOut(true);
        return p;
    }

    /** A thread of a loop, so that {@link #close()} can tell it is called from its own thread. */
    private static final class LoopThread extends Thread {
        final EventLoop loop;

        LoopThread(EventLoop loop, Runnable r, String name, long stackSize) {
            super(null, r, name, stackSize);
            this.loop = loop;
        }
    }

    /** Configures a new {@link EventLoop}. */
    public static final class Builder {
        private String name = "asyncio4j-loop";
        private int ioThreads = Math.max(1, Runtime.getRuntime().availableProcessors());
        private long threadStackSize;

        private Builder() {
        }

        /**
         * @param name the prefix of the loop's thread names
         * @return this builder
         */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * @param count how many I/O threads (and worker threads) the loop runs, at least 1
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder ioThreads(int count) {
            if (count <= 0) {
                throw new IllegalArgumentException("ioThreads must be positive: " + count);
            }
            this.ioThreads = count;
            return this;
        }

        /**
         * @param bytes the stack size of the loop's threads, 0 for the platform default
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder threadStackSize(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("threadStackSize must not be negative: " + bytes);
            }
            this.threadStackSize = bytes;
            return this;
        }

        /**
         * Creates the loop.
         *
         * @return a new loop; close it when done
         */
        public EventLoop build() {
            return build(false);
        }

        private EventLoop build(boolean isDefault) {
            return new EventLoop(this, isDefault);
        }
    }
}
