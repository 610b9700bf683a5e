package io.asyncio4j.nio;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;

/**
 * A {@link Peer} speaking TLS with the JDK's own {@link SSLSocket}, layered over a plain socket so that a reset
 * reaches the wire without the {@code close_notify} an {@code SSLSocket} sends when it closes.
 */
final class TlsSocketPeer implements Peer {

    private final Socket raw;
    private final SSLSocket tls;
    private final InputStream in;

    /** {@code tls} layered over {@code raw}, its handshake done. */
    TlsSocketPeer(Socket raw, SSLSocket tls) throws IOException {
        this.raw = raw;
        this.tls = tls;
        raw.setSoTimeout((int) LoopFixture.WAIT.toMillis());
        raw.setTcpNoDelay(true);
        this.in = tls.getInputStream();
    }

    @Override
    public void write(byte[] bytes) throws IOException {
        tls.getOutputStream().write(bytes);
        tls.getOutputStream().flush();
    }

    @Override
    public byte[] read(int n) throws IOException {
        return in.readNBytes(n);
    }

    @Override
    public byte[] readToEnd() throws IOException {
        return in.readAllBytes();
    }

    /** Sends {@code close_notify} (TLS 1.3 half-close): the connection reads the end of the stream. */
    @Override
    public void shutdownOutput() throws IOException {
        tls.shutdownOutput();
    }

    /** Resets the plain socket underneath: no {@code close_notify}, a TCP reset. */
    @Override
    public void reset() throws IOException {
        raw.setSoLinger(true, 0);
        raw.close();
    }

    @Override
    public void close() throws IOException {
        tls.close();
    }
}
