package io.asyncio4j.samples;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.Server;
import io.asyncio4j.combinators.Async;
import io.asyncio4j.nio.EventLoop;

import static java.nio.charset.StandardCharsets.UTF_8;

/** The echo server and client of the README, kept compiling and tested here. */
public final class ReadmeEcho {

    private ReadmeEcho() {
    }

    /**
     * Starts the README's echo server: sends back every byte until the client ends its stream.
     *
     * @param host the address to bind
     * @param port the port, 0 for any
     * @return the running server
     */
    public static Server startServer(String host, int port) {
        // README: echo server
        EventLoop loop = EventLoop.defaultLoop();
        Server server = loop.listen(host, port, conn ->
                Async.whileTrue(() -> conn.read(64 * 1024).thenCompose(data -> data.hasRemaining()
                        ? conn.write(data).thenApply(written -> true)      // echo, then read again
                        : AsyncFuture.completed(false))))                   // end of stream: done
                .join();
        // README: end
        return server;
    }

    /**
     * The README's echo client: sends one line, half-closes, and returns everything echoed back.
     *
     * @param host    the server's host
     * @param port    the server's port
     * @param message the text to send
     * @return a future of the echoed text
     */
    public static AsyncFuture<String> echoOnce(String host, int port, String message) {
        // README: echo client
        return EventLoop.defaultLoop().connect(host, port).thenCompose(conn ->
                conn.write(message, UTF_8)
                        .thenCompose(sent -> conn.shutdownOutput())          // asyncio's write_eof()
                        .thenCompose(eof -> conn.readToEnd(1 << 20, UTF_8))  // read until the server closes
                        .whenComplete((reply, failure) -> conn.close()));
        // README: end
    }
}
