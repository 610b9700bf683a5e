package io.asyncio4j.nio;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;

/**
 * A {@link Peer} over a connected {@link Socket}: a plain one, or the JDK's {@code SSLSocket} layered over a plain
 * one, whose reset then goes to the plain socket so that no {@code close_notify} precedes it. Reads time out after
 * {@link LoopFixture#WAIT}.
 */
final class SocketPeer implements Peer {

    private final Socket socket;
    /** The plain socket underneath: the one a reset closes. */
    private final Socket raw;
    private final InputStream in;

    SocketPeer(Socket socket) throws IOException {
        this(socket, socket);
    }

    /** A peer speaking through {@code socket}, layered over the plain {@code raw}. */
    SocketPeer(Socket socket, Socket raw) throws IOException {
        this.socket = socket;
        this.raw = raw;
        raw.setSoTimeout((int) LoopFixture.WAIT.toMillis());
        // Small writes leave at once, one segment each, as the tests that count arrivals expect.
        raw.setTcpNoDelay(true);
        this.in = socket.getInputStream();
    }

    @Override
    public void write(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
    }

    @Override
    public byte[] read(int n) throws IOException {
        return in.readNBytes(n);
    }

    @Override
    public byte[] readToEnd() throws IOException {
        return in.readAllBytes();
    }

    @Override
    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    @Override
    public void reset() throws IOException {
        raw.setSoLinger(true, 0);
        raw.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
