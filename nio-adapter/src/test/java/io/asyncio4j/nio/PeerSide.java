package io.asyncio4j.nio;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

import static java.nio.charset.StandardCharsets.US_ASCII;

/**
 * The peer's side of the TLS tests: blocking JDK sockets (plain or TLS) with the kit's read timeout, so that a peer
 * that waits for something that never comes fails the test instead of hanging it, and a thread to run a peer on.
 */
final class PeerSide {

    private static final int TIMEOUT_MILLIS = (int) LoopFixture.WAIT.toMillis();

    private PeerSide() {
    }

    /** A plain listener on the loopback address, port 0, whose accepts time out. */
    static ServerSocket listener() throws IOException {
        ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        listener.setSoTimeout(TIMEOUT_MILLIS);
        return listener;
    }

    /** The next connection of {@code listener}, its reads timing out. */
    static Socket accept(ServerSocket listener) throws IOException {
        Socket s = listener.accept();
        s.setSoTimeout(TIMEOUT_MILLIS);
        s.setTcpNoDelay(true);
        return s;
    }

    /** {@code s} connected to {@code port} on the loopback address, its reads timing out. */
    static <S extends Socket> S connect(S s, int port) throws IOException {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        s.setSoTimeout(TIMEOUT_MILLIS);
        s.setTcpNoDelay(true);
        return s;
    }

    static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(US_ASCII));
        s.getOutputStream().flush();
    }

    /** The next line, without its {@code \n}; reads byte by byte, so that nothing after the line is taken. */
    static String readLine(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("the stream ended inside a line: " + line.toString(US_ASCII));
            }
            line.write(b);
        }
        return line.toString(US_ASCII);
    }

    /**
     * Reads what {@code s} receives until its peer closes it (the end of the stream, or a reset when the peer closed
     * with bytes of ours unread); fails if nothing ends it within the read timeout.
     */
    static byte[] readUntilClosed(Socket s) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try {
            for (int n = s.getInputStream().read(buf); n >= 0; n = s.getInputStream().read(buf)) {
                got.write(buf, 0, n);
            }
        } catch (SocketException reset) {
            // closed by the peer with bytes of ours unread
        }
        return got.toByteArray();
    }

    /** Runs {@code body} on a new daemon thread; the future has its result or failure. */
    static <T> CompletableFuture<T> onNewThread(String name, Callable<T> body) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                result.complete(body.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return result;
    }
}
