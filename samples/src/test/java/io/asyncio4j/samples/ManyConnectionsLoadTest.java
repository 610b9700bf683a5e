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
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Ten thousand connections open at once against the echo server and against the static file server, from one
 * {@link SelectorClient} thread: each does a round trip, then a second one on the same connection, then all are
 * closed; the server must end every stream cleanly and give back every descriptor, thread and timer task.
 *
 * <p>The process holds two descriptors per connection (client and server side): with fewer than
 * {@code 2 * CONNECTIONS + 1000} allowed the tests are skipped (run under {@code ulimit -n 65536}, as
 * {@code .ci/run} does), as they are with fewer than {@code CONNECTIONS + 1000} ephemeral ports
 * ({@code net.ipv4.ip_local_port_range}, 28,232 by default). {@code -Dasyncio4j.load.connections=N} changes the
 * count.
 */
class ManyConnectionsLoadTest {

    static final int CONNECTIONS = Integer.getInteger("asyncio4j.load.connections", 10_000);
    /** Connects in flight at once: well under the listen backlog (1024 by default). */
    static final int BATCH = 500;
    static final Duration DEADLINE = Duration.ofSeconds(60);
    static final long SEED = Long.getLong("asyncio4j.load.seed", System.nanoTime());

    @TempDir
    Path dir;

    @Test
    void tenThousandEchoClientsTwoRoundTripsEachThenClose() throws Exception {
        LoadBaseline.assumeFileDescriptors(2L * CONNECTIONS + 1000);
        LoadBaseline.assumeEphemeralPorts(CONNECTIONS + 1000);
        LoadBaseline outer = LoadBaseline.take();
        try (EventLoop loop = EventLoop.builder().name("load-echo").ioThreads(2).build()) {
            LoadBaseline baseline = LoadBaseline.takeIgnoringThreads(loop.timer(), AsyncTimer.shared());
            Server server = EchoServer.start(loop, "127.0.0.1", 0, new PrintStream(OutputStream.nullOutputStream()));
            try (SelectorClient client = new SelectorClient(new InetSocketAddress("127.0.0.1", server.port()))) {
                long end = System.nanoTime() + DEADLINE.toNanos();
                List<SelectorClient.Conn> conns = client.connectInBatches(CONNECTIONS, BATCH,
                        server::activeConnections, DEADLINE);
                assertThat(server.activeConnections()).isEqualTo(CONNECTIONS);
                Random random = new Random(SEED);
                for (int round = 1; round <= 2; round++) {
                    byte[][] sent = new byte[CONNECTIONS][];
                    for (SelectorClient.Conn c : conns) {
                        byte[] message = message(c.id, round, random);
                        sent[c.id] = message;
                        client.send(c, message, got -> got.length >= message.length);
                    }
                    client.awaitAll(conns, c -> c.responded, end, "echoed in round " + round);
                    for (SelectorClient.Conn c : conns) {
                        if (!Arrays.equals(c.received(), sent[c.id])) {
                            fail("seed " + SEED + ": round " + round + ", connection " + c.id + " got back "
                                    + new String(c.received(), StandardCharsets.ISO_8859_1) + " for "
                                    + new String(sent[c.id], StandardCharsets.ISO_8859_1));
                        }
                    }
                }
                for (SelectorClient.Conn c : conns) {
                    client.shutdownOutput(c);
                }
                client.awaitAll(conns, c -> c.eof, end, "ended by the server");
                for (SelectorClient.Conn c : conns) {
                    assertThat(c.received()).as("bytes after the last echo on connection %d", c.id).isEmpty();
                    client.close(c, false);
                }
                LoadBaseline.awaitCount("server connections", server::activeConnections, 0, DEADLINE);
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
        LoadBaseline.assumeFileDescriptors(2L * CONNECTIONS + 1000);
        LoadBaseline.assumeEphemeralPorts(CONNECTIONS + 1000);
        Path root = Files.createDirectories(dir.resolve("root"));
        byte[] file = "a small file\n".getBytes(StandardCharsets.US_ASCII);
        Files.write(root.resolve("small.txt"), file);
        LoadBaseline outer = LoadBaseline.take();
        try (EventLoop loop = EventLoop.builder().name("load-http").ioThreads(2).build()) {
            LoadBaseline baseline = LoadBaseline.takeIgnoringThreads(loop.timer(), AsyncTimer.shared());
            StaticFileServer http = StaticFileServer.start(loop, "127.0.0.1", 0, root,
                    StaticFileServer.Settings.defaults().withMaxConnections(CONNECTIONS)
                            .withTimeouts(Duration.ofSeconds(120), Duration.ofSeconds(120)));
            Server server = http.server();
            try (SelectorClient client = new SelectorClient(new InetSocketAddress("127.0.0.1", server.port()))) {
                long end = System.nanoTime() + DEADLINE.toNanos();
                List<SelectorClient.Conn> conns = client.connectInBatches(CONNECTIONS, BATCH,
                        server::activeConnections, DEADLINE);
                assertThat(server.activeConnections()).isEqualTo(CONNECTIONS);
                String[] targets = {"/plaintext", "/small.txt"};
                byte[][] bodies = {"Hello, World!".getBytes(StandardCharsets.US_ASCII), file};
                for (int round = 0; round < 2; round++) {
                    byte[] request = ("GET " + targets[round] + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII);
                    for (SelectorClient.Conn c : conns) {
                        client.send(c, request, HttpResponses::complete);
                    }
                    client.awaitAll(conns, c -> c.responded, end, "answered " + targets[round]);
                    for (SelectorClient.Conn c : conns) {
                        HttpResponses.assertOk(c.received(), bodies[round], "connection " + c.id + ", GET "
                                + targets[round]);
                    }
                }
                for (SelectorClient.Conn c : conns) {
                    client.shutdownOutput(c);
                }
                client.awaitAll(conns, c -> c.eof, end, "ended by the server");
                for (SelectorClient.Conn c : conns) {
                    assertThat(c.received()).as("bytes after the last response on connection %d", c.id).isEmpty();
                    client.close(c, false);
                }
                LoadBaseline.awaitCount("server connections", server::activeConnections, 0, DEADLINE);
                assertThat(server.rejectedConnections()).isZero();
            } finally {
                server.close();
            }
            server.closed().get(10, TimeUnit.SECONDS);
            baseline.awaitRestored(Duration.ofSeconds(10));
        }
        outer.awaitRestored(Duration.ofSeconds(10));
    }

    /** A message unique to the connection and round, with random bytes of every value, 16 to 300 bytes long. */
    static byte[] message(int id, int round, Random random) {
        byte[] head = ("conn " + id + " round " + round + ":").getBytes(StandardCharsets.US_ASCII);
        byte[] m = Arrays.copyOf(head, head.length + random.nextInt(285));
        for (int i = head.length; i < m.length; i++) {
            m[i] = (byte) random.nextInt(256);
        }
        return m;
    }
}
