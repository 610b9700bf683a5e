package io.asyncio4j.benchmarks;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.Server;
import io.asyncio4j.benchmarks.peers.NettyEchoServer;
import io.asyncio4j.benchmarks.peers.VirtualThreadEchoServer;
import io.asyncio4j.combinators.Async;
import io.asyncio4j.nio.EventLoop;
import io.asyncio4j.samples.ReadmeEcho;

import java.nio.ByteBuffer;
import java.util.function.IntFunction;

/**
 * Starts one echo server for a benchmark run and prints {@code listening on HOST:PORT}:
 * {@code EchoServerMain asyncio4j|asyncio4j-into|asyncio4j-pooled|nio2|netty-nio|netty-epoll|vthreads [PORT]}.
 * {@code asyncio4j} is the README's echo ({@code read(64 KiB)}, {@code write}); {@code asyncio4j-into} reads into a
 * buffer per connection instead; {@code asyncio4j-pooled} reads into buffers an allocator takes from a
 * {@link BufferPool} once bytes are there, and gives them back once written. The event-loop servers use one
 * I/O thread per available core (so one under {@code taskset -c 0}); {@code vthreads} (JDK 21 or later) uses a
 * virtual thread per connection.
 */
public final class EchoServerMain {

    private EchoServerMain() {
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
                Server s = ReadmeEcho.startServer("127.0.0.1", port);
                bound = s.port();
                break;
            case "asyncio4j-into":
                // The README's echo with read(dst) into a 64 KiB buffer of each connection's: no allocation per
                // read, 64 KiB held per connection even when idle.
                Server into = EventLoop.defaultLoop().listen("127.0.0.1", port, conn -> {
                    ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
                    return Async.whileTrue(() -> conn.read(buffer.clear()).thenCompose(n -> n < 0
                            ? AsyncFuture.completed(false)
                            : conn.write(buffer.flip()).thenApply(written -> true)));
                }).join();
                bound = into.port();
                break;
            case "asyncio4j-pooled":
                // The README's echo with read(64 KiB, allocator) from a pool: no allocation per read, and no
                // buffer held by an idle connection.
                BufferPool pool = new BufferPool(64 * 1024, 64);
                IntFunction<ByteBuffer> take = pool::take; // one allocator for every read
                Server pooled = EventLoop.defaultLoop().listen("127.0.0.1", port, conn ->
                        Async.whileTrue(() -> conn.read(64 * 1024, take).thenCompose(data -> data.hasRemaining()
                                ? conn.write(data).thenApply(written -> pool.give(data))
                                : AsyncFuture.completed(false)))).join();
                bound = pooled.port();
                break;
            case "nio2":
                bound = new Nio2EchoServer("127.0.0.1", port, threads).port();
                break;
            case "netty-nio":
                bound = new NettyEchoServer("nio", "127.0.0.1", port, threads).port();
                break;
            case "netty-epoll":
                bound = new NettyEchoServer("epoll", "127.0.0.1", port, threads).port();
                break;
            case "vthreads":
                bound = new VirtualThreadEchoServer("127.0.0.1", port).port();
                break;
            default:
                throw new IllegalArgumentException("unknown server: " + which
                        + " (asyncio4j, asyncio4j-into, asyncio4j-pooled, nio2, netty-nio, netty-epoll or vthreads)");
        }
        System.out.println("listening on 127.0.0.1:" + bound);
        System.out.flush();
        Thread.currentThread().join();
    }
}
