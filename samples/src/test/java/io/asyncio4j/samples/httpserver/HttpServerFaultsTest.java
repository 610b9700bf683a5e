package io.asyncio4j.samples.httpserver;

import io.asyncio4j.nio.EventLoop;
import io.asyncio4j.samples.Baseline;
import io.asyncio4j.samples.LoggedWarnings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Peers that misbehave at the socket level against the {@link StaticFileServer}: resets inside a request, a
 * body and a response, an early half-close, a client that vanishes without a FIN and one that never sends. After
 * each, a normal request is answered and descriptors, threads and timer tasks are back to where they were.
 */
class HttpServerFaultsTest {

    static final int IO_THREADS = 2;
    static final Duration TIMEOUT = Duration.ofMillis(500);
    static final Duration RELEASE = Duration.ofSeconds(20);
    static final int BIG = 10 * 1024 * 1024;
    static final String HELLO = ServerProbes.HELLO;

    @TempDir
    static Path root;
    static EventLoop loop;
    static StaticFileServer server;
    static LoggedWarnings warnings;

    Baseline baseline;

    @BeforeAll
    static void start() throws Exception {
        Files.writeString(root.resolve("hello.txt"), HELLO);
        Files.write(root.resolve("big.bin"), LargeFileStreamingTest.pattern(BIG));
        warnings = LoggedWarnings.attach();
        loop = EventLoop.builder().name("http-faults").ioThreads(IO_THREADS).build();
        server = StaticFileServer.start(loop, "127.0.0.1", 0, root,
                StaticFileServer.Settings.defaults().withTimeouts(TIMEOUT, TIMEOUT));
        Baseline.warmUp(loop, IO_THREADS);
        try (RawClient c = new RawClient(server.server().port())) {     // first-use descriptors and classes
            c.send("GET /big.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(c.in.readAllBytes()).hasSizeGreaterThan(BIG);
        }
        awaitTrue("warm-up connection released", () -> server.server().activeConnections() == 0);
    }

    @AfterAll
    static void stop() throws Exception {
        server.server().closeGracefully(Duration.ofSeconds(2)).get(10, TimeUnit.SECONDS);
        loop.close();
        warnings.close();
    }

    @BeforeEach
    void snapshot() {
        baseline = Baseline.take(loop.timer());
    }

    @AfterEach
    void backToBaseline() throws IOException {
        assertNormalRequestServed();
        awaitTrue("every connection released", () -> server.server().activeConnections() == 0);
        baseline.awaitReturn(RELEASE);
        assertThat(warnings.drain()).as("warnings (a failed handler logs one)").isEmpty();
    }

    @Test
    void resetInsideTheRequestHead() throws IOException {
        Socket s = connect();
        s.getOutputStream().write("GET /hello.txt HTTP/1.1\r\nHost: x\r\nAcc".getBytes());
        awaitTrue("the connection is served", () -> server.server().activeConnections() == 1);
        reset(s);
    }

    @Test
    void resetInsideTheRequestBody() throws IOException {
        Socket s = connect();
        s.getOutputStream().write("POST /hello.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\nabc"
                .getBytes());
        awaitTrue("the connection is served", () -> server.server().activeConnections() == 1);
        reset(s);
    }

    @Test
    void resetInsideTheResponse() throws IOException {
        try (RawClient c = new RawClient(server.server().port(), 16 * 1024)) {
            c.send("GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(c.readHead()).startsWith("HTTP/1.1 200 OK\r\n").contains("Content-Length: " + BIG + "\r\n");
            byte[] some = c.in.readNBytes(100_000);
            for (int i = 0; i < some.length; i++) {
                assertThat(some[i]).isEqualTo(LargeFileStreamingTest.patternAt(i));
            }
            reset(c.socket);
        }
    }

    @Test
    void resetBetweenPipelinedRequests() throws IOException {
        try (RawClient c = new RawClient(server.server().port())) {
            c.send("GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\nGET /big.bin HTTP/1.1\r\nHost: x\r\n\r\nGET /h");
            assertThat(c.readHead()).startsWith("HTTP/1.1 200 OK\r\n");
            assertThat(c.readExactly(HELLO.length())).isEqualTo(HELLO);
            assertThat(c.readHead()).startsWith("HTTP/1.1 200 OK\r\n");
            reset(c.socket);
        }
    }

    @Test
    void halfCloseInsideTheRequestHeadEndsTheConnection() throws IOException {
        try (RawClient c = new RawClient(server.server().port())) {
            c.send("GET /hello.txt HTTP/1.1\r\nHo");
            c.socket.shutdownOutput();
            String answer = c.readToEnd();
            assertThat(answer).satisfiesAnyOf(
                    a -> assertThat(a).isEmpty(),
                    a -> assertThat(a).startsWith("HTTP/1.1 400 Bad Request\r\n").contains("Connection: close"));
        }
    }

    @Test
    void halfCloseInsideTheRequestBodyEndsTheConnection() throws IOException {
        try (RawClient c = new RawClient(server.server().port())) {
            c.send("POST /hello.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
            c.socket.shutdownOutput();
            assertThat(c.readToEnd()).doesNotContain("HTTP/1.1 2");
        }
    }

    @Test
    void halfCloseAfterACompleteRequestStillGetsTheResponse() throws IOException {
        try (RawClient c = new RawClient(server.server().port())) {
            c.send("GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n");
            c.socket.shutdownOutput();
            String answer = c.readToEnd();
            assertThat(answer).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\n" + HELLO);
        }
    }

    @Test
    void aClientThatVanishesInsideTheHeadIsFreedByTheHeaderTimeout() throws IOException {
        try (Socket s = connect()) {
            s.getOutputStream().write("GET /hello.txt HTTP/1.1\r\nHost: x\r\n".getBytes());
            awaitTrue("the connection is served", () -> server.server().activeConnections() == 1);
            // Never read nor written again, and no FIN: only the server's timeout can free it.
            awaitTrue("the server closed the silent connection", () -> server.server().activeConnections() == 0);
            assertNormalRequestServed();
        }
    }

    @Test
    void aClientThatVanishesInsideAResponseIsFreedByTheStallTimeout() throws Exception {
        StaticFileServer stalling = StaticFileServer.start(loop, "127.0.0.1", 0, root,
                StaticFileServer.Settings.defaults().withTimeouts(TIMEOUT, TIMEOUT).withStallTimeout(TIMEOUT));
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(16 * 1024);
            s.connect(stalling.server().address());
            s.getOutputStream().write("GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
            awaitTrue("the connection is served", () -> stalling.server().activeConnections() == 1);
            awaitTrue("the server closed the stalled download", () -> stalling.server().activeConnections() == 0);
        } finally {
            stalling.server().closeGracefully(Duration.ofSeconds(2)).get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aClientThatStopsReadingButTricklesBytesIsFreedByTheStallTimeout() throws Exception {
        StaticFileServer stalling = StaticFileServer.start(loop, "127.0.0.1", 0, root,
                StaticFileServer.Settings.defaults().withTimeouts(TIMEOUT, TIMEOUT).withStallTimeout(TIMEOUT));
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(16 * 1024);
            s.connect(stalling.server().address());
            s.getOutputStream().write("GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
            awaitTrue("the connection is served", () -> stalling.server().activeConnections() == 1);
            // A slow-read attack: the response is never read, but a byte every 50 ms keeps the input side busy.
            long[] nextByte = {System.nanoTime()};
            boolean[] refused = {false};
            awaitTrue("the server closed the stalled download", () -> {
                if (!refused[0] && System.nanoTime() - nextByte[0] >= 0) {
                    nextByte[0] += TimeUnit.MILLISECONDS.toNanos(50);
                    try {
                        s.getOutputStream().write('x');
                    } catch (IOException reset) {
                        refused[0] = true;
                    }
                }
                return stalling.server().activeConnections() == 0;
            });
        } finally {
            stalling.server().closeGracefully(Duration.ofSeconds(2)).get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aClientThatSendsNothingIsFreedByTheHeaderTimeout() throws IOException {
        try (Socket s = connect()) {
            awaitTrue("the connection is served", () -> server.server().activeConnections() == 1);
            awaitTrue("the server closed the silent connection", () -> server.server().activeConnections() == 0);
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
    }

    static Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", server.server().port());
        s.setSoTimeout(20_000);
        return s;
    }

    /** Closes with SO_LINGER 0: the peer gets a RST instead of a FIN. */
    static void reset(Socket s) throws IOException {
        s.setSoLinger(true, 0);
        s.close();
    }

    static void assertNormalRequestServed() throws IOException {
        ServerProbes.assertNormalRequestServed(server);
    }

    static void awaitTrue(String what, BooleanSupplier condition) {
        ServerProbes.awaitTrue(what, RELEASE, condition);
    }
}
