package io.asyncio4j.samples.httpclient;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.Server;
import io.asyncio4j.nio.EventLoop;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

/**
 * A tiny test server: reads one request head, records it, and answers with the bytes {@code answer} gives for
 * it, then closes; an answer of {@code null} never answers (the connection stays open until the client leaves).
 */
final class CannedServer implements AutoCloseable {

    final Server server;
    final CompletableFuture<String> firstRequest = new CompletableFuture<>();

    CannedServer(Function<String, String> answer) {
        server = EventLoop.defaultLoop().listen("127.0.0.1", 0, conn ->
                conn.readUntil("\r\n\r\n".getBytes(ISO_8859_1), 8192).thenCompose(head -> {
                    String request = new String(head, ISO_8859_1);
                    firstRequest.complete(request);
                    String response = answer.apply(request);
                    if (response == null) {
                        // never answer: wait for the client to give up (its end of stream or reset)
                        return conn.readToEnd(1024).handle((rest, e) -> null);
                    }
                    return conn.write(response, ISO_8859_1);
                })).join();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    @Override
    public void close() {
        AsyncFuture<Void> closed = server.closeGracefully(Duration.ofSeconds(2));
        closed.join();
    }
}
