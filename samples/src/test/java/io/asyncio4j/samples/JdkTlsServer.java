package io.asyncio4j.samples;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;

/**
 * A TLS peer outside the library: the JDK's {@link SSLSocket}, layered over one accepted loopback socket so that a
 * script can end the TCP stream without {@code close_notify} ({@code raw.close()}) as well as with it
 * ({@code tls.close()}). It serves one connection, on a thread of its own.
 */
public final class JdkTlsServer implements AutoCloseable {

    /** What the server does with its one connection, once accepted; the handshake starts with its first I/O. */
    public interface Script {
        /**
         * @param tls the TLS socket, server side
         * @param raw the TCP socket under it
         * @throws Exception to fail {@link #done()}
         */
        void run(SSLSocket tls, Socket raw) throws Exception;
    }

    private final ServerSocket listener;
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    /**
     * Listens on a free loopback port and serves the first connection with {@code script}.
     *
     * @param context the server's keys
     * @param script  what to do with the connection
     * @throws IOException if it cannot listen
     */
    public JdkTlsServer(SSLContext context, Script script) throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread thread = new Thread(() -> {
            try (Socket raw = listener.accept()) {
                raw.setSoTimeout(30_000);
                SSLSocket tls = (SSLSocket) context.getSocketFactory()
                        .createSocket(raw, raw.getInetAddress().getHostAddress(), raw.getPort(), false);
                tls.setUseClientMode(false);
                script.run(tls, raw);
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }, "jdk-tls-server");
        thread.setDaemon(true);
        thread.start();
    }

    /** @return the port it listens on */
    public int port() {
        return listener.getLocalPort();
    }

    /** @return completes once the script has run, or fails with what it threw */
    public CompletableFuture<Void> done() {
        return done;
    }

    /** Stops listening; a connection being served goes on until its script ends. */
    @Override
    public void close() throws IOException {
        listener.close();
    }
}
