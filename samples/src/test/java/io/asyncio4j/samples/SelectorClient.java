package io.asyncio4j.samples;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Collection;
import java.util.Iterator;
import java.util.function.Consumer;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.fail;

/**
 * A load client on one thread: any number of non-blocking {@link SocketChannel}s driven by one {@link Selector}.
 * Each {@link Conn} is given a request and a test of when its response is complete; {@link #pump(long)} runs one
 * round of the selector, and the {@code await} methods pump until every connection given is done. Not thread
 * safe: one thread owns the client.
 */
final class SelectorClient implements AutoCloseable {

    /** One client connection and the exchange in progress on it. */
    static final class Conn {
        final int id;
        final SocketChannel channel;
        final SelectionKey key;
        boolean connected;
        /** The client's port once connected. */
        int localPort;
        /** For the caller's bookkeeping. */
        boolean counted;
        /** The bytes still to send. */
        ByteBuffer out;
        /** Everything received since the last request. */
        final ByteArrayOutputStream in = new ByteArrayOutputStream();
        /** When the bytes received complete the response; null when no response is awaited. */
        Predicate<byte[]> complete;
        boolean responded;
        /** Whether the end of the stream is awaited (after shutting down output); no more bytes may arrive. */
        boolean awaitingEof;
        /** Whether to shut the output down once {@link #out} is sent. */
        boolean shutdownWhenSent;
        boolean eof;
        /** Runs on the client thread when the connect completes, the response completes, or the stream ends. */
        Consumer<Conn> onEvent;
        String failure;
        boolean closed;

        Conn(int id, SocketChannel channel, SelectionKey key) {
            this.id = id;
            this.channel = channel;
            this.key = key;
        }

        byte[] received() {
            return in.toByteArray();
        }

        @Override
        public String toString() {
            return "conn " + id + (connected ? "" : " connecting") + (out != null && out.hasRemaining()
                    ? " sending " + out.remaining() : "") + (complete != null && !responded ? " awaiting response ("
                    + in.size() + " bytes so far)" : "") + (awaitingEof && !eof ? " awaiting EOF" : "")
                    + (failure != null ? " FAILED: " + failure : "");
        }
    }

    private final Selector selector;
    private final InetSocketAddress target;
    private final ByteBuffer readBuffer = ByteBuffer.allocate(64 * 1024);
    private int open;
    /** Channels closed since the last select: their descriptors are released when the selector deregisters them. */
    private int closing;

    SelectorClient(InetSocketAddress target) throws IOException {
        this.selector = Selector.open();
        this.target = target;
    }

    /** @return the client descriptors held now: sockets open, and closed ones the selector has not released yet */
    int openChannels() {
        return open;
    }

    /**
     * Starts a non-blocking connect.
     *
     * @param id a number for messages
     * @return the connection, connected once {@link Conn#connected} is set
     */
    Conn open(int id) throws IOException {
        SocketChannel ch = SocketChannel.open();
        open++;
        try {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            boolean now = ch.connect(target);
            SelectionKey key = ch.register(selector, now ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT);
            Conn c = new Conn(id, ch, key);
            key.attach(c);
            c.connected = now;
            if (now) {
                c.localPort = ((InetSocketAddress) ch.getLocalAddress()).getPort();
            }
            return c;
        } catch (IOException | RuntimeException e) {
            ch.close();
            open--;
            throw e;
        }
    }

    /** Queues {@code request} on {@code c}, awaiting a response that {@code complete} accepts. */
    void send(Conn c, byte[] request, Predicate<byte[]> complete) throws IOException {
        c.in.reset();
        c.responded = false;
        c.complete = complete;
        c.out = ByteBuffer.wrap(request);
        flush(c);
    }

    /**
     * Queues {@code request} on {@code c} and shuts its output down once it is sent; everything the server sends
     * until it ends its stream is kept.
     */
    void sendAndShutdown(Conn c, byte[] request) throws IOException {
        c.in.reset();
        c.responded = false;
        c.complete = null;
        c.awaitingEof = true;
        c.shutdownWhenSent = true;
        c.out = ByteBuffer.wrap(request);
        flush(c);
    }

    /** Shuts the output of {@code c} down; the server must then end its stream with no more bytes. */
    void shutdownOutput(Conn c) throws IOException {
        c.in.reset();
        c.awaitingEof = true;
        c.channel.shutdownOutput();
    }

    /** Closes {@code c}; with {@code reset}, SO_LINGER 0 makes it a reset instead of an orderly close. */
    void close(Conn c, boolean reset) {
        if (c.closed) {
            return;
        }
        c.closed = true;
        closing++;
        try {
            if (reset) {
                c.channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            }
            c.channel.close();
        } catch (IOException e) {
            c.failure = c.failure != null ? c.failure : "close failed: " + e;
        }
    }

    /** Pumps until every one of {@code conns} satisfies {@code done}; fails on a connection failure or the deadline. */
    void awaitAll(Collection<Conn> conns, Predicate<Conn> done, long deadlineNanos, String what) throws IOException {
        for (;;) {
            int pendingCount = 0;
            Conn example = null;
            for (Conn c : conns) {
                if (c.failure != null) {
                    fail(c + " (while awaiting " + what + ")");
                }
                if (!done.test(c)) {
                    pendingCount++;
                    example = c;
                }
            }
            if (pendingCount == 0) {
                return;
            }
            if (System.nanoTime() - deadlineNanos > 0) {
                fail(pendingCount + " of " + conns.size() + " connections not " + what + " by the deadline, e.g. "
                        + example);
            }
            pump(50);
        }
    }

    /** Runs one round of the selector, waiting up to {@code timeoutMillis} for an event. */
    int pump(long timeoutMillis) throws IOException {
        int n = selector.select(timeoutMillis);
        open -= closing; // select deregistered the keys cancelled before it, closing their channels
        closing = 0;
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
            SelectionKey key = it.next();
            it.remove();
            Conn c = (Conn) key.attachment();
            if (!key.isValid() || c.closed) {
                continue;
            }
            try {
                if (key.isConnectable()) {
                    if (c.channel.finishConnect()) {
                        c.connected = true;
                        c.localPort = ((InetSocketAddress) c.channel.getLocalAddress()).getPort();
                        key.interestOps(SelectionKey.OP_READ);
                        event(c);
                    }
                    continue;
                }
                if (key.isWritable()) {
                    flush(c);
                }
                if (key.isValid() && key.isReadable()) {
                    read(c);
                }
            } catch (IOException e) {
                c.failure = e.toString();
                event(c);
            }
        }
        return n;
    }

    private void flush(Conn c) throws IOException {
        if (c.out == null || !c.connected) {
            return;
        }
        c.channel.write(c.out);
        c.key.interestOps(c.out.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        if (!c.out.hasRemaining() && c.shutdownWhenSent) {
            c.shutdownWhenSent = false;
            c.channel.shutdownOutput();
        }
    }

    private void read(Conn c) throws IOException {
        readBuffer.clear();
        int n = c.channel.read(readBuffer);
        if (n < 0) {
            c.eof = true;
            c.key.interestOps(0);
            if (!c.awaitingEof && (c.complete == null || !c.responded)) {
                c.failure = "the server ended the stream early after " + c.in.size() + " bytes";
            }
            event(c);
            return;
        }
        if (n == 0) {
            return;
        }
        c.in.write(readBuffer.array(), 0, n);
        if (c.awaitingEof || c.complete == null || c.responded) {
            if (!c.awaitingEof) {
                c.failure = n + " unexpected bytes: " + new String(c.received(), java.nio.charset.StandardCharsets.ISO_8859_1);
            }
            // After shutting down output the echo server may still send back what it had; the caller checks.
            return;
        }
        if (c.complete.test(c.received())) {
            c.responded = true;
            event(c);
        }
    }

    private static void event(Conn c) {
        if (c.onEvent != null) {
            c.onEvent.accept(c);
        }
    }

    @Override
    public void close() throws IOException {
        for (SelectionKey key : selector.keys()) {
            Conn c = (Conn) key.attachment();
            if (c != null) {
                close(c, false);
            } else {
                key.channel().close();
            }
        }
        selector.close();
    }
}
