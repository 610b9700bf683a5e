package io.asyncio4j.nio;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.ConnectionHandler;
import io.asyncio4j.Server;
import io.asyncio4j.ServerOptions;
import io.asyncio4j.TlsSession;
import io.asyncio4j.combinators.Async;
import io.asyncio4j.combinators.AsyncTimer;
import io.asyncio4j.combinators.TimerHandle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ShutdownChannelGroupException;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * {@link Server} over an {@link AsynchronousServerSocketChannel}, accepting on a thread of its own.
 *
 * <p>Why a thread: on Linux the JDK hands a connection that {@code accept(attachment, handler)} finds already
 * waiting in the backlog to the group's threads as a task, run once per round of {@code epoll_wait} after every
 * ready socket of the round, so under load new connections wait behind all the busy ones. The future form,
 * {@code accept()}, returns a connection already waiting at once, on the calling thread; so this thread drains the
 * backlog as fast as it can take connections, and blocks on the pending future when the backlog is empty (the I/O
 * thread that sees the next connection completes it). This is the split Netty makes between its boss and worker
 * event loops.
 */
final class NioServer implements Server {

    private static final Logger log = LoggerFactory.getLogger(NioServer.class);
    /** Pause before accepting again after a failure such as running out of file descriptors. */
    private static final Duration ACCEPT_RETRY = Duration.ofMillis(50);
    private static final Duration ACCEPT_WARNING_EVERY = Duration.ofSeconds(10);

    private final AsynchronousServerSocketChannel channel;
    private final SocketAddress address;
    private final ConnectionHandler handler;
    private final ServerOptions options;
    private final AsyncTimer timer;
    private final ThreadFactory acceptThreads;
    private final Set<StreamConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicLong rejected = new AtomicLong();
    private final CompletableFuture<Void> released = new CompletableFuture<>();
    /** Shared by every connection: drops it from {@link #connections} once it is closed. */
    private final Consumer<StreamConnection> closedHook = this::connectionClosed;
    private volatile boolean listenerClosed;
    private volatile boolean abortingAll;
    /** The accept thread, from {@link #startAccepting()} until it ends. */
    private volatile Thread acceptor;
    /** When accept failures were last logged at WARN (only the accept thread touches it). */
    private long lastAcceptWarning = System.nanoTime() - ACCEPT_WARNING_EVERY.toNanos();

    NioServer(AsynchronousServerSocketChannel channel, ConnectionHandler handler, ServerOptions options,
              AsyncTimer timer, ThreadFactory acceptThreads) throws IOException {
        this.channel = channel;
        this.address = channel.getLocalAddress();
        this.handler = handler;
        this.options = options;
        this.timer = timer;
        this.acceptThreads = acceptThreads;
    }

    /** Starts the accept thread; once only. If that fails, the server is closed and the failure thrown. */
    void startAccepting() {
        Thread t = acceptThreads.newThread(this::acceptLoop);
        acceptor = t;
        try {
            t.start();
        } catch (Throwable e) { // out of threads, say
            acceptor = null;
            close();
            throw e;
        }
    }

    /**
     * The accept thread: takes connections until the listener is closed. Nothing else ends it: every failure on
     * the way, even one from logging (out of descriptors, loading a class from the class path fails), is caught.
     */
    private void acceptLoop() {
        try {
            Future<AsynchronousSocketChannel> pending = null;
            while (!listenerClosed) {
                AsynchronousSocketChannel accepted;
                try {
                    if (pending == null) {
                        pending = channel.accept();
                    }
                    accepted = pending.get();
                    pending = null;
                } catch (ExecutionException e) {
                    pending = null;
                    acceptFailed(e.getCause());
                    continue;
                } catch (InterruptedException e) {
                    continue; // not how the loop is stopped (closing the listener is): wait on the same accept
                } catch (Throwable e) { // ShutdownChannelGroupException and the like end the loop
                    pending = null;
                    acceptFailed(e);
                    continue;
                }
                if (listenerClosed) {
                    closeQuietly(accepted);
                    break;
                }
                serve(accepted);
                Thread.interrupted(); // a handler's first step may leave the flag set: it must not stop accepting
            }
        } catch (Throwable e) {
            // Not expected: acceptFailed and serve catch everything. Stop for good rather than leave a listener that
            // accepts nothing.
            close();
            try {
                log.error("the accept loop of {} failed; the listener is closed", address, e);
            } catch (Throwable logging) {
                // nothing more to do
            }
        } finally {
            acceptor = null;
            releaseIfDone();
        }
    }

    /**
     * After a failed accept: closes the server if the listener is gone; otherwise logs (once per period at WARN)
     * and pauses before the next accept, since the cause (out of descriptors, say) rarely clears at once.
     */
    private void acceptFailed(Throwable e) {
        if (listenerClosed || e instanceof AsynchronousCloseException || e instanceof ClosedChannelException
                || e instanceof ShutdownChannelGroupException) {
            close();
            return;
        }
        try {
            long now = System.nanoTime();
            if (now - lastAcceptWarning >= ACCEPT_WARNING_EVERY.toNanos()) {
                // Out of descriptors, accept fails every retry: one warning per period, the rest at debug.
                lastAcceptWarning = now;
                log.warn("accept on {} failed; accepting again in {} ms (further failures within {} s logged at"
                        + " debug)", address, ACCEPT_RETRY.toMillis(), ACCEPT_WARNING_EVERY.toSeconds(), e);
            } else {
                log.debug("accept on {} failed again", address, e);
            }
        } catch (Throwable logging) {
            // Nothing here may end the accept loop.
        }
        LockSupport.parkNanos(this, ACCEPT_RETRY.toNanos()); // close() unparks
    }

    /**
     * On the accept thread: registers the connection and starts its handler there (its first step; whatever other
     * threads complete for the connection meanwhile is handed to the worker threads, so that accepting goes on).
     * Never throws: a connection that cannot be served is closed.
     */
    private void serve(AsynchronousSocketChannel accepted) {
        StreamConnection c;
        TlsTransport tls = null;
        try {
            if (connections.size() >= options.maxConnections()) {
                rejected.incrementAndGet();
                closeQuietly(accepted);
                return;
            }
            EventLoop.applyOptions(accepted, options.connectionOptions());
            SerialExecutor executor = new SerialExecutor();
            ByteTransport transport = new SocketTransport(accepted);
            if (options.connectionOptions().tls().isPresent()) {
                tls = new TlsTransport(transport, options.connectionOptions().tls().get(), executor, timer, null);
                transport = tls;
            }
            c = new StreamConnection(transport, executor, options.connectionOptions(), timer);
        } catch (Throwable e) {
            closeQuietly(accepted);
            try {
                log.debug("accepted connection on {} gone before it was served", address, e);
            } catch (Throwable logging) {
                // the connection is closed; nothing more to do
            }
            return;
        }
        connections.add(c);
        c.onClosed(closedHook);
        try {
            if (abortingAll) {
                c.abort("server closed", null);
                return;
            }
            TlsTransport layer = tls;
            c.startHandler(layer == null ? () -> runHandler(c) : () -> handshakeThenRunHandler(c, layer),
                    timer::execute);
        } catch (Throwable e) { // the loop is closing (its timer refuses tasks), say
            c.abort("the connection could not be served", e);
        }
    }

    private void connectionClosed(StreamConnection c) {
        connections.remove(c);
        releaseIfDone();
    }

    /** On the connection's executor: the handler starts once the TLS handshake has completed. */
    private void handshakeThenRunHandler(StreamConnection c, TlsTransport tls) {
        tls.start();
        AsyncFuture<TlsSession> handshake = new AsyncFuture<>();
        c.settleWithHandshake(tls, handshake);
        handshake.whenComplete((session, e) -> {
            if (e != null) {
                log.debug("TLS handshake with {} failed", c.remoteAddress(), e);
            } else {
                runHandler(c);
            }
        });
    }

    private void runHandler(StreamConnection c) {
        CompletionStage<?> stage;
        try {
            stage = handler.handle(c);
        } catch (Throwable t) {
            handlerFailed(c, t);
            return;
        }
        if (stage == null) {
            c.close();
            return;
        }
        stage.whenComplete((v, e) -> {
            if (e == null) {
                c.close();
            } else {
                handlerFailed(c, Async.unwrap(e));
            }
        });
    }

    private void handlerFailed(StreamConnection c, Throwable t) {
        log.warn("handler failed for connection from {}", c.remoteAddress(), t);
        c.abort("the connection handler failed", t);
    }

    private void releaseIfDone() {
        if (listenerClosed && connections.isEmpty() && acceptor == null) {
            released.complete(null);
        }
    }

    @Override
    public SocketAddress address() {
        return address;
    }

    @Override
    public int port() {
        return address instanceof InetSocketAddress ip ? ip.getPort() : -1;
    }

    @Override
    public int activeConnections() {
        return connections.size();
    }

    @Override
    public long rejectedConnections() {
        return rejected.get();
    }

    @Override
    public void close() {
        if (!listenerClosed) {
            listenerClosed = true;
            try {
                channel.close();
            } catch (IOException e) {
                log.debug("closing listener {} failed", address, e);
            }
            Thread t = acceptor;
            if (t != null) {
                LockSupport.unpark(t); // if it is pausing after a failed accept
            }
        }
        releaseIfDone();
    }

    @Override
    public AsyncFuture<Void> closeGracefully(Duration deadline) {
        Objects.requireNonNull(deadline, "deadline");
        close();
        if (!released.isDone()) {
            TimerHandle t = timer.schedule(deadline, this::abortAll);
            released.whenComplete((v, e) -> t.cancel());
        }
        return closed();
    }

    private void abortAll() {
        abortingAll = true;
        for (StreamConnection c : connections) {
            c.abort("server closed: the graceful close deadline passed", null);
        }
    }

    @Override
    public AsyncFuture<Void> closed() {
        return Async.shield(released);
    }

    private static void closeQuietly(AsynchronousSocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // Nothing was served on it; there is nothing to report.
        }
    }

    @Override
    public String toString() {
        return "Server[" + address + "]";
    }
}
