package io.asyncio4j.benchmarks;

import io.asyncio4j.benchmarks.peers.JdkHttpServer;
import io.asyncio4j.benchmarks.peers.NettyPlaintextServer;
import io.asyncio4j.nio.EventLoop;
import io.asyncio4j.samples.httpserver.StaticFileServer;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Starts one HTTP server answering {@code GET /plaintext} with {@code Hello, World!} and prints
 * {@code listening on HOST:PORT}:
 * {@code PlaintextServerMain asyncio4j|nio2|netty-nio|netty-epoll|jdk-platform|jdk-virtual [PORT]}.
 * {@code asyncio4j} is the http-server sample (serving an empty temporary directory besides
 * {@code /plaintext}); {@code nio2} is {@link Nio2PlaintextServer}, the floor NIO.2 sets; the event-loop servers
 * use one I/O thread per available core; {@code jdk-platform} runs exchanges on a pool of four platform threads
 * per core, {@code jdk-virtual} (JDK 21 or later) on a virtual thread each.
 */
public final class PlaintextServerMain {

    private PlaintextServerMain() {
    }

    /**
     * Runs the named server until the process is killed.
     *
     * @param args the server's name and an optional port (default 0)
     * @throws Exception if it cannot start
     */
    public static void main(String[] args) throws Exception {
        String which = args.length > 0 ? args[0] : "asyncio4j";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        int threads = Runtime.getRuntime().availableProcessors();
        int bound;
        switch (which) {
            case "asyncio4j":
                Path root = Files.createTempDirectory("plaintext-root");
                root.toFile().deleteOnExit();
                bound = StaticFileServer.start(EventLoop.defaultLoop(), "127.0.0.1", port, root,
                        StaticFileServer.Settings.defaults()).server().port();
                break;
            case "nio2":
                bound = new Nio2PlaintextServer("127.0.0.1", port, threads).port();
                break;
            case "netty-nio":
                bound = new NettyPlaintextServer("nio", "127.0.0.1", port, threads).port();
                break;
            case "netty-epoll":
                bound = new NettyPlaintextServer("epoll", "127.0.0.1", port, threads).port();
                break;
            case "jdk-platform":
                bound = new JdkHttpServer("platform", "127.0.0.1", port, 4 * threads).port();
                break;
            case "jdk-virtual":
                bound = new JdkHttpServer("virtual", "127.0.0.1", port, 0).port();
                break;
            default:
                throw new IllegalArgumentException("unknown server: " + which
                        + " (asyncio4j, nio2, netty-nio, netty-epoll, jdk-platform or jdk-virtual)");
        }
        System.out.println("listening on 127.0.0.1:" + bound);
        System.out.flush();
        Thread.currentThread().join();
    }
}
