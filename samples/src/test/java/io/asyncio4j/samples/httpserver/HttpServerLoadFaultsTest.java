package io.asyncio4j.samples.httpserver;

import io.asyncio4j.nio.EventLoop;
import io.asyncio4j.samples.Baseline;
import io.asyncio4j.samples.LoggedWarnings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link StaticFileServer} under hostile load: a thousand clients that never read a 10 MiB download, a
 * thousand slowloris connections, and a graceful shutdown with requests in flight. Normal clients are served
 * throughout, and descriptors, threads and timer tasks come back to their starting counts.
 */
class HttpServerLoadFaultsTest {

    static final int IO_THREADS = 2;
    static final int CLIENTS = 1000;
    static final int BIG = 10 * 1024 * 1024;
    static final String HELLO = ServerProbes.HELLO;
    static final Duration RELEASE = Duration.ofSeconds(30);

    /** Small buffers so the bound is visible: each connection queues at most 64 KiB, files go in 16 KiB chunks. */
    static final int CHUNK = 16 * 1024;
    static final long QUEUE_CAP = 64 * 1024;

    @TempDir
    static Path root;
    static EventLoop loop;
    static LoggedWarnings warnings;

    @BeforeAll
    static void startLoop() throws Exception {
        Files.writeString(root.resolve("hello.txt"), HELLO);
        Files.write(root.resolve("big.bin"), LargeFileStreamingTest.pattern(BIG));
        warnings = LoggedWarnings.attach();
        loop = EventLoop.builder().name("http-load").ioThreads(IO_THREADS).build();
        Baseline.warmUp(loop, IO_THREADS);
    }

    @AfterAll
    static void stopLoop() {
        loop.close();
        warnings.close();
    }

    static StaticFileServer start(StaticFileServer.Settings settings) throws IOException {
        StaticFileServer server = StaticFileServer.start(loop, "127.0.0.1", 0, root, settings);
        try (RawClient c = new RawClient(server.server().port())) {     // first-use descriptors and classes
            c.send("GET /big.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(c.in.readAllBytes()).hasSizeGreaterThan(BIG);
        }
        awaitTrue("warm-up connection released", () -> server.server().activeConnections() == 0);
        return server;
    }

    /**
     * A thousand clients ask for the 10 MiB file and never read. The server may hold, per connection, its capped
     * write queue ({@link #QUEUE_CAP}) plus the chunk just read from the file ({@link #CHUNK}), and a connection's
     * own state (its objects, request head, inbound buffer: a few KiB; 32 KiB allowed). Above
     * {@code base + 1,000 x 112 KiB} (about 110 MiB) the server buffers more than its bounds say; a server that
     * held whole files would need 10 GiB.
     */
    @Test
    void aThousandClientsThatNeverReadA10MiBFileHoldOnlyTheBoundedWriteQueues() throws Exception {
        StaticFileServer server = start(StaticFileServer.Settings.defaults()
                .withBuffers(CHUNK, CHUNK, QUEUE_CAP).withStallTimeout(Duration.ofMinutes(2)));
        try {
            Baseline baseline = Baseline.take(loop.timer());
            long baseHeap = usedHeapAfterGc();
            long cap = baseHeap + CLIENTS * (QUEUE_CAP + CHUNK + 32 * 1024);
            try (ClientCrowd crowd = ClientCrowd.connect((InetSocketAddress) server.server().address(), CLIENTS)) {
                for (SocketChannel ch : crowd.channels) {
                    ClientCrowd.send(ch, "GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n");
                }
                crowd.watchReadable();
                awaitTrue("every client has response bytes waiting, unread", () -> readable(crowd) == CLIENTS);
                awaitTrue("every connection open", () -> server.server().activeConnections() == CLIENTS);
                ServerProbes.assertNormalRequestServed(server);
                long stalledHeap = usedHeapAfterGc();
                assertThat(stalledHeap).as("used heap with %d stalled downloads (base %d MiB)", CLIENTS,
                        baseHeap >> 20).isLessThan(cap);
                assertThat(server.maxQueuedOutputBytes()).isPositive().isLessThanOrEqualTo(QUEUE_CAP);
                System.out.printf("heap: base %d MiB, %d stalled downloads %d MiB, cap %d MiB%n", baseHeap >> 20,
                        CLIENTS, stalledHeap >> 20, cap >> 20);
            }
            awaitTrue("every connection released", () -> server.server().activeConnections() == 0);
            ServerProbes.assertNormalRequestServed(server);
            baseline.awaitReturn(RELEASE);
            assertThat(warnings.drain()).as("warnings (a failed handler logs one)").isEmpty();
            assertThat(usedHeapAfterGc()).as("used heap once the clients are gone").isLessThan(baseHeap + (16 << 20));
        } finally {
            server.server().closeGracefully(Duration.ofSeconds(2)).get(10, TimeUnit.SECONDS);
        }
    }

    /**
     * Slowloris: a thousand connections send their heads one byte every 100 ms, half of them still in the request
     * line (2.5 s of dribbling for the line alone) and half in the header section (whose dribble would take
     * minutes). With a 1 s head timeout the server ends every one of them while they are still dribbling: the
     * first half quietly, the second half with 408. Normal requests are answered all along.
     */
    @Test
    void aThousandSlowlorisConnectionsAreClosedByTheHeadTimeoutWhileOthersAreServed() throws Exception {
        Duration headTimeout = Duration.ofSeconds(1);
        StaticFileServer server = start(StaticFileServer.Settings.defaults().withTimeouts(headTimeout, headTimeout));
        try {
            Baseline baseline = Baseline.take(loop.timer());
            String line = "GET /hello.txt HTTP/1.1\r\n";
            String headers = "Host: x\r\nX-Slow: " + "a".repeat(4000);
            int normalServed = 0;
            try (ClientCrowd crowd = ClientCrowd.connect((InetSocketAddress) server.server().address(), CLIENTS)) {
                String[] script = new String[CLIENTS];
                int[] sent = new int[CLIENTS];
                StringBuilder[] received = new StringBuilder[CLIENTS];
                boolean[] ended = new boolean[CLIENTS];
                for (int i = 0; i < CLIENTS; i++) {
                    script[i] = i % 2 == 0 ? line + headers : headers;
                    received[i] = new StringBuilder();
                    if (i % 2 == 1) {
                        ClientCrowd.send(crowd.channels.get(i), line);
                    }
                    crowd.channels.get(i).register(crowd.selector, java.nio.channels.SelectionKey.OP_READ, i);
                }
                java.nio.ByteBuffer in = java.nio.ByteBuffer.allocate(4096);
                int open = CLIENTS;
                long deadline = System.nanoTime() + RELEASE.toNanos();
                for (int round = 0; open > 0; round++) {
                    assertThat(System.nanoTime() - deadline).as("%d connections still open", open).isNegative();
                    for (int i = 0; i < CLIENTS; i++) {
                        if (!ended[i]) {
                            assertThat(sent[i]).as("client %d's head is complete", i).isLessThan(script[i].length());
                            try {
                                sent[i] += crowd.channels.get(i).write(java.nio.ByteBuffer.wrap(
                                        new byte[] {(byte) script[i].charAt(sent[i])}));
                            } catch (IOException reset) {
                                ended[i] = true;
                                open--;
                            }
                        }
                    }
                    // Paces the dribble: one byte per client every 100 ms; meanwhile, take what the server sends.
                    long nextRound = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
                    for (long left; (left = nextRound - System.nanoTime()) > 0; ) {
                    crowd.selector.selectedKeys().clear();
                    crowd.selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                    for (java.nio.channels.SelectionKey k : crowd.selector.selectedKeys()) {
                        int i = (Integer) k.attachment();
                        int n;
                        try {
                            in.clear();
                            n = crowd.channels.get(i).read(in);
                        } catch (IOException reset) {
                            n = -1;
                        }
                        if (n < 0) {
                            k.cancel();
                            if (!ended[i]) {
                                ended[i] = true;
                                open--;
                            }
                        } else {
                            received[i].append(new String(in.array(), 0, n, java.nio.charset.StandardCharsets.ISO_8859_1));
                        }
                    }
                    }
                    if (round % 3 == 0) {
                        ServerProbes.assertNormalRequestServed(server);
                        normalServed++;
                    }
                }
                for (int i = 0; i < CLIENTS; i++) {
                    if (i % 2 == 0) {
                        assertThat(received[i].toString()).as("client %d, closed in its request line", i).isEmpty();
                    } else {
                        assertThat(received[i].toString()).as("client %d, closed in its header section", i)
                                .startsWith("HTTP/1.1 408 Request Timeout\r\n").contains("Connection: close\r\n");
                    }
                }
            }
            assertThat(normalServed).as("normal requests answered during the attack").isGreaterThanOrEqualTo(3);
            awaitTrue("every connection released", () -> server.server().activeConnections() == 0);
            ServerProbes.assertNormalRequestServed(server);
            baseline.awaitReturn(RELEASE);
            assertThat(warnings.drain()).as("warnings (a failed handler logs one)").isEmpty();
        } finally {
            server.server().closeGracefully(Duration.ofSeconds(2)).get(10, TimeUnit.SECONDS);
        }
    }

    static int readable(ClientCrowd crowd) {
        try {
            return crowd.readableNow();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Used heap after collecting: the lowest of a few full collections' readings. */
    static long usedHeapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
        }
        return least;
    }


    static void awaitTrue(String what, BooleanSupplier condition) {
        ServerProbes.awaitTrue(what, RELEASE, condition);
    }
}
