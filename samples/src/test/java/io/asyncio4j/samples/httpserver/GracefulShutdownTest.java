package io.asyncio4j.samples.httpserver;

import io.asyncio4j.nio.EventLoop;
import io.asyncio4j.samples.Baseline;
import io.asyncio4j.samples.LoggedWarnings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Graceful shutdown of the {@link StaticFileServer} with requests in flight: a 10 MiB download half read,
 * pipelined requests whose responses are stuck behind a client that has not read yet, and idle keep-alive
 * connections. Every request sent before the shutdown gets its complete response, byte for byte; new connects
 * are refused; and the server is released well before its (long) grace period, without aborting anyone.
 */
class GracefulShutdownTest {

    static final int IO_THREADS = 2;
    static final int BIG = 10 * 1024 * 1024;
    static final int MEDIUM = 256 * 1024;
    static final int PIPELINED = 20;
    static final int IDLE = 20;
    /** Far longer than the test waits: a server that needs its grace period to finish fails the test. */
    static final Duration GRACE = Duration.ofSeconds(120);
    static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path root;
    static EventLoop loop;
    static LoggedWarnings warnings;
    static byte[] hello = "Hello, file!\n".getBytes(ISO_8859_1);
    static byte[] medium = new byte[MEDIUM];
    static byte[] big = LargeFileStreamingTest.pattern(BIG);

    @BeforeAll
    static void files() throws Exception {
        for (int i = 0; i < MEDIUM; i++) {
            medium[i] = (byte) (i * 7);
        }
        Files.write(root.resolve("hello.txt"), hello);
        Files.write(root.resolve("medium.bin"), medium);
        Files.write(root.resolve("big.bin"), big);
        warnings = LoggedWarnings.attach();
        loop = EventLoop.builder().name("http-shutdown").ioThreads(IO_THREADS).build();
        Baseline.warmUp(loop, IO_THREADS);
    }

    @AfterAll
    static void stopLoop() {
        loop.close();
        warnings.close();
    }

    @Test
    void everyRequestSentBeforeTheShutdownIsAnsweredCompletelyAndNoOneIsAborted() throws Exception {
        StaticFileServer server = StaticFileServer.start(loop, "127.0.0.1", 0, root,
                StaticFileServer.Settings.defaults().withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(60)));
        int port = server.server().port();
        try (RawClient warm = new RawClient(port)) {      // first-use descriptors and classes
            warm.send("GET /big.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(warm.in.readAllBytes()).hasSizeGreaterThan(BIG);
        }
        awaitTrue("warm-up connection released", () -> server.server().activeConnections() == 0);
        Baseline baseline = Baseline.take(loop.timer());
        List<RawClient> clients = new ArrayList<>();
        try {
            // A download half read when the shutdown starts; its reader goes on once the shutdown has begun.
            RawClient download = new RawClient(port, 16 * 1024);
            clients.add(download);
            download.send("GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n");
            CountDownLatch shutdownStarted = new CountDownLatch(1);
            CompletableFuture<byte[]> downloaded = new CompletableFuture<>();
            Thread reader = new Thread(() -> {
                try {
                    byte[] first = readResponse(download.in, 1024 * 1024);
                    shutdownStarted.await();
                    byte[] rest = download.in.readNBytes(BIG - first.length);
                    byte[] all = new byte[first.length + rest.length];
                    System.arraycopy(first, 0, all, 0, first.length);
                    System.arraycopy(rest, 0, all, first.length, rest.length);
                    downloaded.complete(all);
                } catch (Throwable t) {
                    downloaded.completeExceptionally(t);
                }
            }, "download-reader");
            reader.start();
            // Pipelined: three requests in one write; the 256 KiB middle response cannot fit the client's small
            // receive buffer, so the third request is still unanswered when the shutdown starts. Half of them
            // end with Connection: close, the other half leave the connection idle afterwards.
            List<RawClient> pipelined = new ArrayList<>();
            for (int i = 0; i < PIPELINED; i++) {
                RawClient c = new RawClient(port, 8 * 1024);
                clients.add(c);
                pipelined.add(c);
                c.send("GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n"
                        + "GET /medium.bin HTTP/1.1\r\nHost: x\r\n\r\n"
                        + "GET /hello.txt HTTP/1.1\r\nHost: x\r\n" + (i % 2 == 0 ? "Connection: close\r\n" : "")
                        + "\r\n");
            }
            // Idle keep-alive connections: one request answered, then nothing.
            List<RawClient> idle = new ArrayList<>();
            for (int i = 0; i < IDLE; i++) {
                RawClient c = new RawClient(port);
                clients.add(c);
                idle.add(c);
                c.send("GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(readResponse(c.in, Integer.MAX_VALUE)).isEqualTo(hello);
            }
            awaitTrue("every connection served", () -> server.server().activeConnections() == clients.size());
            for (RawClient c : pipelined) {
                awaitTrue("a pipelined response under way", () -> available(c) > 0);
            }

            CompletableFuture<Void> closed = server.closeGracefully(GRACE);
            shutdownStarted.countDown();
            assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);

            for (int i = 0; i < PIPELINED; i++) {
                InputStream in = pipelined.get(i).in;
                int step = 0;
                try {
                    assertThat(readResponse(in, Integer.MAX_VALUE)).isEqualTo(hello);
                    step++;
                    assertThat(readResponse(in, Integer.MAX_VALUE)).isEqualTo(medium);
                    step++;
                    assertThat(readResponse(in, Integer.MAX_VALUE)).isEqualTo(hello);
                    step++;
                    assertThat(in.read()).as("pipelined client %d: the end after its last response", i).isEqualTo(-1);
                } catch (IOException e) {
                    throw new AssertionError("pipelined client " + i + " (port " + pipelined.get(i).socket.getLocalPort()
                            + ") failed at response " + (step + 1) + " of 3 (4: the end of the stream), server connections "
                            + server.server().activeConnections(), e);
                }
            }
            assertThat(downloaded.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(big);
            for (RawClient c : idle) {
                assertThat(c.in.read()).as("an idle keep-alive connection is closed").isEqualTo(-1);
            }
            closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(download.in.read()).as("the download's connection after the shutdown").isEqualTo(-1);
            reader.join(WAIT.toMillis());
        } finally {
            for (RawClient c : clients) {
                c.close();
            }
            server.server().close();
        }
        baseline.awaitReturn(WAIT);
        assertThat(warnings.drain()).as("warnings (a failed handler or an abort logs one)").isEmpty();
    }

    /** Reads one 200 response with a Content-Length body; returns the body, or its first {@code max} bytes. */
    static byte[] readResponse(InputStream in, int max) throws IOException {
        StringBuilder head = new StringBuilder();
        while (head.indexOf("\r\n\r\n") < 0) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed inside a head: " + head);
            }
            head.append((char) b);
        }
        assertThat(head.toString()).startsWith("HTTP/1.1 200 OK\r\n");
        int at = head.indexOf("Content-Length: ") + "Content-Length: ".length();
        int length = Integer.parseInt(head.substring(at, head.indexOf("\r\n", at)));
        return in.readNBytes(Math.min(length, max));
    }

    static int available(RawClient c) {
        try {
            return c.in.available();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static void awaitTrue(String what, BooleanSupplier condition) {
        ServerProbes.awaitTrue(what, WAIT, condition);
    }
}
