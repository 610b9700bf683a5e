package io.asyncio4j.samples.httpserver;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** What the HTTP fault, load and shutdown tests check between their steps. */
final class ServerProbes {

    /** The content of {@code hello.txt} in those tests' roots. */
    static final String HELLO = "Hello, file!\n";

    private ServerProbes() {
    }

    /** A fresh client's {@code GET /hello.txt} is answered 200 with the file. */
    static void assertNormalRequestServed(StaticFileServer server) throws IOException {
        try (RawClient c = new RawClient(server.server().port())) {
            c.send("GET /hello.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(c.readToEnd()).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\n" + HELLO);
        }
    }

    /** Waits for a condition that the server's threads make true, failing after {@code within}. */
    static void awaitTrue(String what, Duration within, BooleanSupplier condition) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not true within " + within + ": " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }
}
