package io.asyncio4j.benchmarks;

import io.asyncio4j.benchmarks.peers.JdkHttpServer;
import io.asyncio4j.benchmarks.peers.NettyPlaintextServer;
import io.asyncio4j.nio.EventLoop;
import io.asyncio4j.samples.httpserver.StaticFileServer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

/**
 * Starts one HTTP server answering {@code GET /plaintext} with {@code Hello, World!} and prints
 * {@code listening on HOST:PORT}:
 * {@code PlaintextServerMain asyncio4j|nio2|netty-nio|netty-epoll|jdk-platform|jdk-virtual [PORT]
 * [--tls-cert CERT.pem --tls-key KEY.pem [--tls-protocol P] [--tls-cipher S]]}.
 * {@code asyncio4j} is the http-server sample (serving an empty temporary directory besides
 * {@code /plaintext}); {@code nio2} is {@link Nio2PlaintextServer}, the floor NIO.2 sets; the event-loop servers
 * use one I/O thread per available core; {@code jdk-platform} runs exchanges on a pool of four platform threads
 * per core, {@code jdk-virtual} (JDK 21 or later) on a virtual thread each. With the TLS flags
 * ({@link TlsSettings}) the asyncio4j and Netty servers answer HTTPS.
 */
public final class PlaintextServerMain {

    private PlaintextServerMain() {
    }

    /**
     * Runs the named server until the process is killed.
     *
     * @param args the server's name, an optional port (default 0) and the TLS flags
     * @throws Exception if it cannot start
     */
    public static void main(String[] args) throws Exception {
        new ServerStartup()
                .serverWithTls("asyncio4j", (host, port, threads, tls) -> fileServer(host, port, tls))
                .server("nio2", (host, port, threads) -> new Nio2PlaintextServer(host, port, threads).port())
                .serverWithTls("netty-nio", (host, port, threads, tls) ->
                        new NettyPlaintextServer("nio", host, port, threads, tls.nettyServer()).port())
                .serverWithTls("netty-epoll", (host, port, threads, tls) ->
                        new NettyPlaintextServer("epoll", host, port, threads, tls.nettyServer()).port())
                .server("jdk-platform",
                        (host, port, threads) -> new JdkHttpServer("platform", host, port, 4 * threads).port())
                .server("jdk-virtual", (host, port, threads) -> new JdkHttpServer("virtual", host, port, 0).port())
                .run(args);
    }

    /** The http-server sample, with an empty temporary directory as its root; HTTPS when the flags ask for it. */
    private static int fileServer(String host, int port, TlsSettings tls)
            throws IOException, GeneralSecurityException {
        Path root = Files.createTempDirectory("plaintext-root");
        root.toFile().deleteOnExit();
        return StaticFileServer.start(EventLoop.defaultLoop(), host, port, root,
                StaticFileServer.Settings.defaults().withTls(tls.asyncio4jServer())).server().port();
    }
}
