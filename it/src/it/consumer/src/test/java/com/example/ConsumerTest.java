package com.example;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.Server;
import io.asyncio4j.combinators.Async;
import io.asyncio4j.nio.EventLoop;
import io.vavr.Tuple2;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** What a project that took the README's snippet can do: serve, connect, write, readLine, gather, waitFor. */
class ConsumerTest {

    /** Answers each line with the line in upper case; a line "silence" gets no answer. */
    private static Server startUpperCaseServer(EventLoop loop) {
        return loop.listen("127.0.0.1", 0, conn -> Async.whileTrue(() -> conn.readLine(1024, UTF_8)
                .thenCompose(line -> {
                    if (line == null) {
                        return AsyncFuture.completed(false);
                    }
                    if (line.equals("silence")) {
                        return AsyncFuture.completed(true);
                    }
                    return conn.write(line.toUpperCase(Locale.ROOT) + "\n", UTF_8).thenApply(sent -> true);
                }))).join();
    }

    /** Connects, sends one line and reads the reply line. */
    private static AsyncFuture<String> ask(EventLoop loop, int port, String line) {
        return loop.connect("127.0.0.1", port).thenCompose(conn -> conn.write(line + "\n", UTF_8)
                .thenCompose(sent -> conn.readLine(1024, UTF_8))
                .whenComplete((reply, failure) -> conn.close()));
    }

    @Test
    void twoClientsGatheredUnderATimeoutGetTheirReplies() throws Exception {
        try (EventLoop loop = EventLoop.builder().name("consumer").build()) {
            Server server = startUpperCaseServer(loop);
            AsyncFuture<Tuple2<String, String>> both =
                    Async.gather(ask(loop, server.port(), "hello"), ask(loop, server.port(), "world"));
            Tuple2<String, String> replies =
                    Async.waitFor(both, Duration.ofSeconds(10), loop.timer()).get(30, TimeUnit.SECONDS);
            assertEquals("HELLO", replies._1);
            assertEquals("WORLD", replies._2);
            server.closeGracefully(Duration.ofSeconds(5)).get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void waitForTimesOutARequestThatGetsNoReply() throws Exception {
        try (EventLoop loop = EventLoop.builder().name("consumer").build()) {
            Server server = startUpperCaseServer(loop);
            AsyncFuture<String> reply = Async.waitFor(ask(loop, server.port(), "silence"), Duration.ofMillis(200),
                    loop.timer());
            ExecutionException failure = assertThrows(ExecutionException.class, () -> reply.get(30, TimeUnit.SECONDS));
            assertInstanceOf(TimeoutException.class, failure.getCause());
            server.closeGracefully(Duration.ofSeconds(5)).get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void theLibraryLogsThroughTheBindingTheSnippetAdds() {
        assertEquals("ch.qos.logback.classic.LoggerContext", LoggerFactory.getILoggerFactory().getClass().getName());
    }
}
