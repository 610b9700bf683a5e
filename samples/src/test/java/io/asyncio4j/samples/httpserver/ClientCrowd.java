package io.asyncio4j.samples.httpserver;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

/**
 * Many client sockets driven from the test thread: non-blocking channels on one selector, so a thousand clients
 * cost no thread. Each has a small receive buffer so that a server writing to it soon has to queue.
 */
final class ClientCrowd implements AutoCloseable {

    final Selector selector;
    final List<SocketChannel> channels = new ArrayList<>();

    private ClientCrowd(Selector selector) {
        this.selector = selector;
    }

    /** Connects {@code n} clients (blocking connects, then non-blocking), none registered for any event. */
    static ClientCrowd connect(InetSocketAddress server, int n) throws IOException {
        ClientCrowd crowd = new ClientCrowd(Selector.open());
        try {
            for (int i = 0; i < n; i++) {
                SocketChannel ch = SocketChannel.open();
                crowd.channels.add(ch);
                ch.setOption(StandardSocketOptions.SO_RCVBUF, 4 * 1024);
                ch.connect(server);
                ch.configureBlocking(false);
            }
        } catch (IOException | RuntimeException e) {
            crowd.close();
            throw e;
        }
        return crowd;
    }

    /** Writes {@code text} on one channel; it must fit the socket's send buffer at once. */
    static void send(SocketChannel ch, String text) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(text.getBytes(ISO_8859_1));
        ch.write(b);
        if (b.hasRemaining()) {
            throw new IOException("request did not fit the send buffer: " + b.remaining() + " bytes left");
        }
    }

    /** Registers every channel for reads: readiness tells that bytes (or the end) arrived, without reading. */
    void watchReadable() throws IOException {
        for (SocketChannel ch : channels) {
            ch.register(selector, SelectionKey.OP_READ, ch);
        }
    }

    /** How many channels have something to read (bytes, the end of the stream or a reset), reading nothing. */
    int readableNow() throws IOException {
        selector.selectedKeys().clear();
        selector.selectNow();
        return selector.selectedKeys().size();
    }

    /** Closes every client; unread input turns each close into a reset. */
    @Override
    public void close() throws IOException {
        for (SocketChannel ch : channels) {
            ch.close();
        }
        selector.close();
    }
}
