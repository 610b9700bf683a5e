package io.asyncio4j;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A TLS handshake between the JDK's {@link SSLSocket} and {@link SSLServerSocket} over loopback, built from the
 * contexts under test, followed by one byte each way so that both ends have finished (a TLS 1.3 client can
 * complete its handshake before the server has checked the client's certificate). The client checks the server's
 * certificate against the host it is given, as {@code HTTPS} does.
 */
record LoopbackHandshake(SSLSession client, SSLSession server) {

    // A bound on each blocking socket call, so that a broken handshake fails the test instead of hanging it.
    private static final int SOCKET_TIMEOUT_MILLIS = 10_000;

    /** Shakes hands, the server asking for no client certificate. */
    static LoopbackHandshake between(SSLContext server, SSLContext client, String host) throws Exception {
        return between(server, false, client, host);
    }

    /**
     * Shakes hands and returns both sessions, or throws what the client's side threw (an
     * {@code SSLHandshakeException} when it refuses the server; an {@code SSLException} or a socket error when the
     * server refuses it), with what the server's side threw, if anything, as a suppressed exception.
     *
     * @param host the server's name for the client: sent as SNI when it is a DNS name with a dot, and checked
     *             against the server's certificate
     */
    static LoopbackHandshake between(SSLContext server, boolean requireClientCertificate, SSLContext client,
                                     String host) throws Exception {
        try (SSLServerSocket listener = (SSLServerSocket) server.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            listener.setNeedClientAuth(requireClientCertificate);
            listener.setSoTimeout(SOCKET_TIMEOUT_MILLIS);
            CompletableFuture<SSLSession> serverSide = new CompletableFuture<>();
            Thread acceptor = new Thread(() -> serve(listener, serverSide), "tls-test-server");
            acceptor.start();
            try {
                SSLSession clientSession;
                try {
                    clientSession = connect(client, host, listener.getLocalPort());
                } catch (IOException e) {
                    // Which side sees the refusal first is a race; the server's reason is the one to report too.
                    acceptor.join(SOCKET_TIMEOUT_MILLIS);
                    serverSide.exceptionally(serverFailure -> {
                        e.addSuppressed(serverFailure);
                        return null;
                    });
                    throw e;
                }
                return new LoopbackHandshake(clientSession, serverSide.get(SOCKET_TIMEOUT_MILLIS,
                        TimeUnit.MILLISECONDS));
            } finally {
                listener.close();
                acceptor.join(SOCKET_TIMEOUT_MILLIS);
            }
        }
    }

    private static void serve(SSLServerSocket listener, CompletableFuture<SSLSession> session) {
        try (SSLSocket socket = (SSLSocket) listener.accept()) {
            socket.setSoTimeout(SOCKET_TIMEOUT_MILLIS);
            int b = socket.getInputStream().read();
            socket.getOutputStream().write(b);
            socket.getOutputStream().flush();
            session.complete(socket.getSession());
        } catch (IOException | RuntimeException e) {
            session.completeExceptionally(e);
        }
    }

    private static SSLSession connect(SSLContext client, String host, int port) throws IOException {
        Socket plain = new Socket();
        try {
            plain.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), SOCKET_TIMEOUT_MILLIS);
        } catch (IOException e) {
            plain.close();
            throw e;
        }
        try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket(plain, host, port, true)) {
            socket.setSoTimeout(SOCKET_TIMEOUT_MILLIS);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.getOutputStream().write(42);
            socket.getOutputStream().flush();
            if (socket.getInputStream().read() != 42) {
                throw new IOException("the server did not echo the byte");
            }
            return socket.getSession();
        }
    }
}
