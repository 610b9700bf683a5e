package io.asyncio4j.nio;

import io.asyncio4j.ConnectionOptions;
import io.asyncio4j.combinators.AsyncTimer;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.AsynchronousSocketChannel;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The conformance kit of a layer that owns its raw read: each connection runs over a {@link ReadAheadTransport}
 * over a NIO.2 socket of the kit's loop, connected to a plain {@link ServerSocket} whose accepted socket is the peer.
 * The seam a TLS layer uses, proven with a layer that only passes the bytes through.
 */
final class ReadAheadKit implements TransportKit {

    private EventLoop loop;
    /**
     * Listeners by the receive buffer size of the sockets they accept, 0 for the system's: accepted sockets take
     * the listener's, and setting one at all turns off the kernel's tuning of it, so only a test that asks gets one.
     */
    private final Map<Integer, ServerSocket> listeners = new HashMap<>();
    /** The layer under each open connection. */
    private final Map<StreamConnection, ReadAheadTransport> layers = new ConcurrentHashMap<>();

    @Override
    public void start() {
        loop = EventLoop.builder().name("read-ahead-kit").ioThreads(2).threadStackSize(256 * 1024).build();
        LoopFixture.startWorkers(loop, 2); // before any test counts threads
    }

    @Override
    public void stop() throws Exception {
        for (ServerSocket listener : listeners.values()) {
            listener.close();
        }
        listeners.clear();
        loop.close();
    }

    private ServerSocket listener(int receiveBufferSize) throws Exception {
        ServerSocket listener = listeners.get(receiveBufferSize);
        if (listener == null) {
            listener = new ServerSocket();
            if (receiveBufferSize > 0) {
                listener.setReceiveBufferSize(receiveBufferSize);
            }
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            listener.setSoTimeout((int) LoopFixture.WAIT.toMillis());
            listeners.put(receiveBufferSize, listener);
        }
        return listener;
    }

    @Override
    public Pair open(ConnectionOptions options) throws Exception {
        ServerSocket listener = listener(options.sendBufferSize());
        AsynchronousSocketChannel channel = AsynchronousSocketChannel.open(loop.group());
        Socket peer;
        try {
            EventLoop.applyOptions(channel, options);
            channel.connect(new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort()))
                    .get(LoopFixture.WAIT.toMillis(), TimeUnit.MILLISECONDS);
            peer = listener.accept();
        } catch (Exception e) {
            channel.close();
            throw e;
        }
        ReadAheadTransport layer = new ReadAheadTransport(new SocketTransport(channel));
        StreamConnection connection = new StreamConnection(layer, options, loop.timer());
        layers.put(connection, layer);
        connection.start();
        return new Pair(connection, new SocketPeer(peer), () -> layers.remove(connection));
    }

    /** The layer under {@code connection}, one of this kit's still open, for tests of the layer itself. */
    ReadAheadTransport layerOf(StreamConnection connection) {
        return layers.get(connection);
    }

    @Override
    public AsyncTimer timer() {
        return loop.timer();
    }
}
