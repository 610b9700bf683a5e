package io.asyncio4j.nio;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.Connection;
import io.asyncio4j.ConnectionOptions;
import io.asyncio4j.TlsSession;
import io.asyncio4j.combinators.Async;
import io.asyncio4j.combinators.TimerHandle;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;

/**
 * One {@link EventLoop#connect}: resolve, open, connect, with a timer for the connect timeout. Timing out or
 * cancelling closes the socket, which fails the pending NIO.2 connect; the connect itself is never cancelled.
 */
final class ConnectOperation implements CompletionHandler<Void, Void> {

    private final EventLoop loop;
    private final String host;
    private final int port;
    private final ConnectionOptions options;
    private final AsyncFuture<Connection> result;
    private volatile AsynchronousSocketChannel channel;
    private volatile TimerHandle timeout;
    private volatile boolean timedOut;

    ConnectOperation(EventLoop loop, String host, int port, ConnectionOptions options,
                     AsyncFuture<Connection> result) {
        this.loop = loop;
        this.host = host;
        this.port = port;
        this.options = options;
        this.result = result;
    }

    void start() {
        result.onCancel(this::abandon);
        if (!options.connectTimeout().isZero()) {
            timeout = loop.timer().schedule(options.connectTimeout(), this::timeOut);
        }
        loop.resolve(host, result, this::connectTo);
    }

    private void connectTo(InetAddress address) {
        if (abandoned()) {
            return;
        }
        AsynchronousSocketChannel ch = null;
        try {
            ch = AsynchronousSocketChannel.open(loop.group());
            EventLoop.applyOptions(ch, options);
            channel = ch;
            if (abandoned()) {
                // Cancelled or timed out while the socket was being opened.
                abandon();
                if (timedOut) {
                    result.settleExceptionally(timeoutException());
                }
                return;
            }
            ch.connect(new InetSocketAddress(address == null ? InetAddress.getLoopbackAddress() : address, port),
                    null, this);
        } catch (IOException | RuntimeException e) {
            EventLoop.closeQuietly(ch);
            fail(e);
        }
    }

    @Override
    public void completed(Void unused, Void attachment) {
        cancelTimer();
        AsynchronousSocketChannel ch = channel;
        StreamConnection c;
        TlsTransport tls = null;
        try {
            SerialExecutor executor = new SerialExecutor();
            ByteTransport transport = new SocketTransport(ch);
            if (options.tls().isPresent()) {
                tls = new TlsTransport(transport, options.tls().get(), executor, loop.timer(), host);
                transport = tls;
            }
            c = new StreamConnection(transport, executor, options, loop.timer());
        } catch (IOException | RuntimeException e) {
            EventLoop.closeQuietly(ch);
            fail(e);
            return;
        }
        if (abandoned()) {
            EventLoop.closeQuietly(ch);
            return;
        }
        c.start();
        if (tls != null) {
            TlsTransport layer = tls;
            c.executor().execute(() -> {
                layer.start();
                AsyncFuture<TlsSession> handshake = new AsyncFuture<>();
                c.settleWithHandshake(layer, handshake);
                handshake.whenComplete((session, e) -> {
                    if (e != null) {
                        result.settleExceptionally(Async.unwrap(e));
                    } else if (!result.settle(c)) {
                        c.abort("connect was cancelled", null);
                    }
                });
            });
            return;
        }
        c.executor().execute(() -> {
            if (!result.settle(c)) {
                c.abort("connect was cancelled", null);
            }
        });
    }

    @Override
    public void failed(Throwable e, Void attachment) {
        EventLoop.closeQuietly(channel);
        fail(e);
    }

    private void fail(Throwable e) {
        cancelTimer();
        result.settleExceptionally(timedOut ? timeoutException() : e);
    }

    private void timeOut() {
        timedOut = true;
        if (channel == null) {
            result.settleExceptionally(timeoutException());
        }
        EventLoop.closeQuietly(channel);
    }

    /** Whether the result was given up (from the moment a give-up claims it, before its action runs) or is done. */
    private boolean abandoned() {
        return result.isGivenUp() || result.isDone();
    }

    private void abandon() {
        cancelTimer();
        EventLoop.closeQuietly(channel);
    }

    private void cancelTimer() {
        TimerHandle t = timeout;
        if (t != null) {
            t.cancel();
        }
    }

    private SocketTimeoutException timeoutException() {
        return new SocketTimeoutException("connect to " + host + ":" + port + " timed out after "
                + options.connectTimeout().toMillis() + " ms");
    }
}
