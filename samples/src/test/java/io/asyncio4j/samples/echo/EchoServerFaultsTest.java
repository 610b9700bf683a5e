package io.asyncio4j.samples.echo;

import io.asyncio4j.Server;
import io.asyncio4j.nio.EventLoop;
import io.asyncio4j.samples.Baseline;
import io.asyncio4j.samples.PrintedLines;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Peers that misbehave at the socket level against the {@link EchoServer}: resets while it echoes, an early
 * half-close, clients that vanish without a FIN or never send. After each, another client is echoed and
 * descriptors, threads and timer tasks are back to where they were.
 */
class EchoServerFaultsTest {

    static final int IO_THREADS = 2;
    static final Duration IDLE = Duration.ofMillis(500);
    static final Duration RELEASE = Duration.ofSeconds(20);

    static EventLoop loop;
    static Server server;
    Baseline baseline;

    @BeforeAll
    static void start() throws Exception {
        loop = EventLoop.builder().name("echo-faults").ioThreads(IO_THREADS).build();
        server = EchoServer.start(loop, "127.0.0.1", 0, new PrintedLines().stream(), IDLE);
        Baseline.warmUp(loop, IO_THREADS);
        assertEchoed();
        awaitTrue("warm-up connection released", () -> server.activeConnections() == 0);
    }

    @AfterAll
    static void stop() throws Exception {
        server.closeGracefully(Duration.ofSeconds(1)).get(10, TimeUnit.SECONDS);
        loop.close();
    }

    @BeforeEach
    void snapshot() {
        baseline = Baseline.take(loop.timer());
    }

    @AfterEach
    void backToBaseline() throws IOException {
        assertEchoed();
        awaitTrue("every connection released", () -> server.activeConnections() == 0);
        baseline.awaitReturn(RELEASE);
    }

    @Test
    void resetWhileTheServerIsBlockedEchoingToAClientThatDoesNotRead() throws IOException {
        try (SocketChannel ch = SocketChannel.open()) {
            ch.setOption(StandardSocketOptions.SO_RCVBUF, 8 * 1024);
            ch.connect(server.address());
            ch.configureBlocking(false);
            // Send until both directions are full: the server's echo waits on a client that reads nothing.
            ByteBuffer data = ByteBuffer.allocate(64 * 1024);
            long sent = 0;
            int zeroWrites = 0;
            while (zeroWrites < 50 && sent < 256L * 1024 * 1024) {
                data.clear();
                int n = ch.write(data);
                sent += n;
                if (n == 0) {
                    zeroWrites++;
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));   // paces the load, not a sync
                }
            }
            assertThat(server.activeConnections()).isEqualTo(1);
            ch.setOption(StandardSocketOptions.SO_LINGER, 0);
        }
        awaitTrue("the reset connection released", () -> server.activeConnections() == 0);
    }

    @Test
    void resetRightAfterConnecting() throws IOException {
        Socket s = new Socket("127.0.0.1", server.port());
        awaitTrue("the connection is served", () -> server.activeConnections() == 1);
        s.setSoLinger(true, 0);
        s.close();
    }

    @Test
    void resetWithUnreadEcho() throws IOException {
        Socket s = new Socket("127.0.0.1", server.port());
        s.getOutputStream().write(new byte[100_000]);
        s.setSoLinger(true, 0);
        s.close();
    }

    @Test
    void halfCloseRightAfterSendingGetsEverythingBackThenTheEnd() throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write("partial li".getBytes(UTF_8));
            s.shutdownOutput();
            assertThat(new String(s.getInputStream().readAllBytes(), UTF_8)).isEqualTo("partial li");
        }
    }

    @Test
    void aClientThatVanishesMidStreamIsFreedByTheIdleTimeout() throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write("abc".getBytes(UTF_8));
            assertThat(s.getInputStream().readNBytes(3)).isEqualTo("abc".getBytes(UTF_8));
            // Never read nor written again, and no FIN: only the idle timeout can free it.
            awaitTrue("the server closed the silent connection", () -> server.activeConnections() == 0);
            assertEchoed();
        }
    }

    @Test
    void aClientThatSendsNothingIsFreedByTheIdleTimeout() throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(20_000);
            awaitTrue("the connection is served", () -> server.activeConnections() == 1);
            awaitTrue("the server closed the silent connection", () -> server.activeConnections() == 0);
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
    }

    static void assertEchoed() throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", server.port()));
            s.setSoTimeout(20_000);
            s.getOutputStream().write("still echoing\n".getBytes(UTF_8));
            s.shutdownOutput();
            assertThat(new String(s.getInputStream().readAllBytes(), UTF_8)).isEqualTo("still echoing\n");
        }
    }

    /** Waits for a condition that the server's threads make true, failing after 20 s. */
    static void awaitTrue(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + RELEASE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not true within " + RELEASE + ": " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }
}
