package io.asyncio4j.samples;

import io.asyncio4j.Server;
import io.asyncio4j.combinators.AsyncTimer;
import io.asyncio4j.nio.EventLoop;
import io.asyncio4j.samples.echo.EchoServer;
import io.asyncio4j.samples.httpserver.StaticFileServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ten thousand connections open at once against the echo server and against the static file server: each does a
 * round trip, then a second one on the same connection, then all are half-closed and the server must end every
 * stream with no more bytes, then give back every descriptor, thread and timer task.
 *
 * <p>The server runs in this JVM, where its resources are counted; the client, one {@link SelectorClient} thread
 * ({@link LoadClientMain}), runs in a child JVM, so each process holds one descriptor per connection. While the
 * child holds every connection open, this test checks the server counts exactly that many; the child does the
 * round trips and their byte-exact checks and reports one line. With fewer than {@code CONNECTIONS + 1000}
 * descriptors allowed the tests are skipped (the child inherits this JVM's limit: run under {@code ulimit -n
 * 20000} or more; {@code .ci/run} asks for 65536), as they are with fewer than {@code CONNECTIONS + 1000}
 * ephemeral ports ({@code net.ipv4.ip_local_port_range}, 28,232 by default).
 * {@code -Dasyncio4j.load.connections=N} changes the count, {@code -Dasyncio4j.load.seed=S} replays the random
 * messages of a run (each prints its seed).
 */
class ManyConnectionsLoadTest {

    static final int CONNECTIONS = Integer.getInteger("asyncio4j.load.connections", 10_000);
    /** How long the child may run in all: its own deadline, plus the start and end of a JVM. */
    static final Duration CLIENT_TIMEOUT = LoadClientMain.DEADLINE.plusSeconds(30);
    static final Duration DEADLINE = Duration.ofSeconds(60);
    static final long SEED = Long.getLong("asyncio4j.load.seed", System.nanoTime());

    @TempDir
    Path dir;

    @Test
    void tenThousandEchoClientsTwoRoundTripsEachThenClose() throws Exception {
        assumeResources();
        LoadBaseline outer = LoadBaseline.take();
        try (EventLoop loop = EventLoop.builder().name("load-echo").ioThreads(2).build()) {
            LoadBaseline baseline = LoadBaseline.takeIgnoringThreads(loop.timer(), AsyncTimer.shared());
            Server server = EchoServer.start(loop, "127.0.0.1", 0, new PrintStream(OutputStream.nullOutputStream()));
            try {
                runClient(server, LoadClientMain.Mode.ECHO);
            } finally {
                server.close();
            }
            server.closed().get(10, TimeUnit.SECONDS);
            baseline.awaitRestored(Duration.ofSeconds(10));
        }
        outer.awaitRestored(Duration.ofSeconds(10));
    }

    @Test
    void tenThousandHttpClientsTwoKeptAliveRequestsEachThenClose() throws Exception {
        assumeResources();
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.write(root.resolve("small.txt"), LoadClientMain.SMALL_FILE);
        LoadBaseline outer = LoadBaseline.take();
        try (EventLoop loop = EventLoop.builder().name("load-http").ioThreads(2).build()) {
            LoadBaseline baseline = LoadBaseline.takeIgnoringThreads(loop.timer(), AsyncTimer.shared());
            StaticFileServer http = StaticFileServer.start(loop, "127.0.0.1", 0, root,
                    StaticFileServer.Settings.defaults().withMaxConnections(CONNECTIONS)
                            .withTimeouts(Duration.ofSeconds(120), Duration.ofSeconds(120)));
            Server server = http.server();
            try {
                runClient(server, LoadClientMain.Mode.HTTP);
                assertThat(server.rejectedConnections()).as("seed %d: connections rejected", SEED).isZero();
            } finally {
                server.close();
            }
            server.closed().get(10, TimeUnit.SECONDS);
            baseline.awaitRestored(Duration.ofSeconds(10));
        }
        outer.awaitRestored(Duration.ofSeconds(10));
    }

    /**
     * Skips unless this process can hold the server side ({@code CONNECTIONS} sockets and a margin) and the
     * child, which inherits the same limit and starts with a handful of descriptors, the client side.
     */
    private static void assumeResources() {
        LoadBaseline.assumeFileDescriptors(CONNECTIONS + 1000L);
        LoadBaseline.assumeEphemeralPorts(CONNECTIONS + 1000);
    }

    /**
     * Runs the client in a child JVM against {@code server}; checks the server holds every connection at once
     * while the child has them all open, then that the child succeeded and the server closed every connection.
     */
    private static void runClient(Server server, LoadClientMain.Mode mode) throws Exception {
        long start = System.nanoTime();
        try (LoadClientProcess client = LoadClientProcess.start(server.port(), CONNECTIONS, mode, SEED,
                CLIENT_TIMEOUT)) {
            client.awaitLine(LoadClientMain.OPEN);
            assertThat(server.activeConnections()).as("seed %d: server connections while the client holds %d",
                    SEED, CONNECTIONS).isEqualTo(CONNECTIONS);
            client.send("go");
            String result = client.awaitSuccess("ok ");
            assertThat(result).as("seed %d: the client's report", SEED).startsWith("ok connections=" + CONNECTIONS
                    + " mode=" + mode.argument() + " seed=" + SEED + " ");
            LoadBaseline.awaitCount("server connections", server::activeConnections, 0, DEADLINE);
            System.out.printf("load %s seed %d: %s, %d ms with the client JVM%n", mode.argument(), SEED, result,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        }
    }
}
