package io.asyncio4j.benchmarks;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.ConnectionOptions;
import io.asyncio4j.ServerOptions;
import io.asyncio4j.benchmarks.peers.NettyEchoServer;
import io.asyncio4j.benchmarks.peers.VirtualThreadEchoServer;
import io.asyncio4j.combinators.Async;
import io.asyncio4j.nio.EventLoop;
import io.asyncio4j.samples.ReadmeEcho;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.function.IntFunction;

/**
 * Starts one echo server for a benchmark run and prints {@code listening on HOST:PORT}:
 * {@code EchoServerMain asyncio4j|asyncio4j-into|asyncio4j-pooled|nio2|netty-nio|netty-epoll|vthreads [PORT]
 * [--tls-cert CERT.pem --tls-key KEY.pem [--tls-protocol P] [--tls-cipher S]]}.
 * {@code asyncio4j} is the README's echo ({@code read(64 KiB)}, {@code write}); {@code asyncio4j-into} reads into a
 * buffer per connection instead; {@code asyncio4j-pooled} reads into buffers an allocator takes from a
 * {@link BufferPool} once bytes are there, and gives them back once written. The event-loop servers use one
 * I/O thread per available core (so one under {@code taskset -c 0}); {@code vthreads} (JDK 21 or later) uses a
 * virtual thread per connection. With the TLS flags ({@link TlsSettings}) the asyncio4j and Netty servers echo over
 * TLS: asyncio4j's through {@link ConnectionOptions#withTls}, Netty's with an {@code SslHandler} on the JDK's engine.
 */
public final class EchoServerMain {

    private EchoServerMain() {
    }

    /**
     * Runs the named server until the process is killed.
     *
     * @param args the server's name, an optional port (default 0) and the TLS flags
     * @throws Exception if it cannot start
     */
    public static void main(String[] args) throws Exception {
        new ServerStartup()
                .serverWithTls("asyncio4j", (host, port, threads, tls) -> tls.serves()
                        ? readme(host, port, options(tls))
                        : ReadmeEcho.startServer(host, port).port())
                .serverWithTls("asyncio4j-into", (host, port, threads, tls) -> readingInto(host, port, options(tls)))
                .serverWithTls("asyncio4j-pooled",
                        (host, port, threads, tls) -> readingPooled(host, port, options(tls)))
                .server("nio2", (host, port, threads) -> new Nio2EchoServer(host, port, threads).port())
                .serverWithTls("netty-nio", (host, port, threads, tls) ->
                        new NettyEchoServer("nio", host, port, threads, tls.nettyServer()).port())
                .serverWithTls("netty-epoll", (host, port, threads, tls) ->
                        new NettyEchoServer("epoll", host, port, threads, tls.nettyServer()).port())
                .server("vthreads", (host, port, threads) -> new VirtualThreadEchoServer(host, port).port())
                .run(args);
    }

    /** The listener's options: the defaults, with TLS on every connection when the flags ask for it. */
    private static ServerOptions options(TlsSettings tls) throws IOException, GeneralSecurityException {
        return ServerOptions.defaults()
                .withConnectionOptions(ConnectionOptions.defaults().withTls(tls.asyncio4jServer()));
    }

    /** The README's echo ({@link ReadmeEcho#startServer}) with listener options, the same handler step for step. */
    private static int readme(String host, int port, ServerOptions options) {
        return EventLoop.defaultLoop().listen(host, port, conn ->
                Async.whileTrue(() -> conn.read(64 * 1024).thenCompose(data -> data.hasRemaining()
                        ? conn.write(data).thenApply(written -> true)
                        : AsyncFuture.completed(false))), options).join().port();
    }

    /**
     * The README's echo with read(dst) into a 64 KiB buffer of each connection's: no allocation per read, 64 KiB
     * held per connection even when idle.
     */
    private static int readingInto(String host, int port, ServerOptions options) {
        return EventLoop.defaultLoop().listen(host, port, conn -> {
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            return Async.whileTrue(() -> conn.read(buffer.clear()).thenCompose(n -> n < 0
                    ? AsyncFuture.completed(false)
                    : conn.write(buffer.flip()).thenApply(written -> true)));
        }, options).join().port();
    }

    /**
     * The README's echo with read(64 KiB, allocator) from a pool: no allocation per read, and no buffer held by an
     * idle connection.
     */
    private static int readingPooled(String host, int port, ServerOptions options) {
        BufferPool pool = new BufferPool(64 * 1024, 64);
        IntFunction<ByteBuffer> take = pool::take; // one allocator for every read
        return EventLoop.defaultLoop().listen(host, port, conn ->
                Async.whileTrue(() -> conn.read(64 * 1024, take).thenCompose(data -> data.hasRemaining()
                        ? conn.write(data).thenApply(written -> pool.give(data))
                        : AsyncFuture.completed(false))), options).join().port();
    }
}
