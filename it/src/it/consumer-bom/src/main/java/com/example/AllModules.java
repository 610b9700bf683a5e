package com.example;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.Connection;
import io.asyncio4j.combinators.Async;
import io.asyncio4j.nio.EventLoop;

import java.time.Duration;

import static java.nio.charset.StandardCharsets.UTF_8;

/** Uses a type of each asyncio4j module, all three at the versions the BOM pins. */
final class AllModules {

    private AllModules() {
    }

    static AsyncFuture<String> firstLine(EventLoop loop, String host, int port) {
        return Async.waitFor(loop.connect(host, port).thenCompose((Connection conn) -> conn.readLine(1024, UTF_8)
                .whenComplete((line, failure) -> conn.close())), Duration.ofSeconds(5), loop.timer());
    }
}
