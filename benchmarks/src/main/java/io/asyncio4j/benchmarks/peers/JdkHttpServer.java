package io.asyncio4j.benchmarks.peers;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The JDK's {@code com.sun.net.httpserver} answering {@code GET /plaintext} with {@code Hello, World!}, its
 * exchanges run on a fixed pool of platform threads ({@code platform}) or one virtual thread each
 * ({@code virtual}, JDK 21 or later at run time). TCP_NODELAY is turned on with {@code sun.net.httpserver.nodelay}.
 */
public final class JdkHttpServer {

    private static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.US_ASCII);

    private final HttpServer server;

    /**
     * Starts the server.
     *
     * @param executor {@code platform} (a fixed pool of {@code poolThreads}) or {@code virtual}
     * @param host     the address to bind
     * @param port     the port, 0 for any
     * @param poolThreads threads of the platform pool
     * @throws IOException if it cannot bind
     */
    public JdkHttpServer(String executor, String host, int port, int poolThreads) throws IOException {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        ExecutorService pool;
        switch (executor) {
            case "platform":
                pool = Executors.newFixedThreadPool(poolThreads);
                break;
            case "virtual":
                pool = VirtualThreads.perTaskExecutor();
                break;
            default:
                throw new IllegalArgumentException("unknown executor: " + executor + " (platform or virtual)");
        }
        server = HttpServer.create(new InetSocketAddress(host, port), 1024);
        server.setExecutor(pool);
        server.createContext("/plaintext", JdkHttpServer::hello);
        server.start();
    }

    /**
     * Returns the bound port.
     *
     * @return the port
     */
    public int port() {
        return server.getAddress().getPort();
    }

    private static void hello(HttpExchange ex) throws IOException {
        try {
            ex.getRequestBody().readAllBytes();
            ex.getResponseHeaders().set("Content-Type", "text/plain");
            ex.sendResponseHeaders(200, HELLO.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(HELLO);
            }
        } finally {
            ex.close();
        }
    }
}
