package io.asyncio4j.benchmarks.peers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutorService;

/**
 * The blocking echo on virtual threads: a {@link ServerSocket} accepting on a platform thread and one virtual
 * thread per connection reading into a 16 KiB array and writing it back. Needs JDK 21 or later at run time.
 */
public final class VirtualThreadEchoServer {

    private static final int BUFFER = 16 * 1024;

    private final ServerSocket listener;

    /**
     * Starts the echo server.
     *
     * @param host the address to bind
     * @param port the port, 0 for any
     * @throws IOException if it cannot bind
     * @throws UnsupportedOperationException if this JDK has no virtual threads
     */
    public VirtualThreadEchoServer(String host, int port) throws IOException {
        ExecutorService perConnection = VirtualThreads.perTaskExecutor();
        listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(new InetSocketAddress(host, port), 1024);
        Thread acceptor = new Thread(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket s = listener.accept();
                    s.setTcpNoDelay(true);
                    perConnection.execute(() -> serve(s));
                } catch (IOException e) {
                    if (listener.isClosed()) {
                        return;
                    }
                }
            }
        }, "vt-echo-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * Returns the bound port.
     *
     * @return the port
     */
    public int port() {
        return listener.getLocalPort();
    }

    private static void serve(Socket s) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            byte[] buf = new byte[BUFFER];
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
            }
        } catch (IOException ignored) {
            // The peer went away: nothing to clean up beyond the socket.
        }
    }
}
