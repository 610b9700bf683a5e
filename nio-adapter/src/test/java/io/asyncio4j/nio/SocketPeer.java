package io.asyncio4j.nio;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;

/** A {@link Peer} over a plain connected {@link Socket}; reads time out after {@link LoopFixture#WAIT}. */
final class SocketPeer implements Peer {

    private final Socket socket;
    private final InputStream in;

    SocketPeer(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout((int) LoopFixture.WAIT.toMillis());
        // Small writes leave at once, one segment each, as the tests that count arrivals expect.
        socket.setTcpNoDelay(true);
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
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
