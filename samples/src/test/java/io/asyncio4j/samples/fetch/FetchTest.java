package io.asyncio4j.samples.fetch;

import io.asyncio4j.Server;
import io.asyncio4j.nio.EventLoop;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

class FetchTest {

    /** Answers {@code /slow} never (until the client leaves), anything else with its path as the body. */
    static final class TestServer implements AutoCloseable {
        final AtomicInteger active = new AtomicInteger();
        final AtomicInteger maxActive = new AtomicInteger();
        final CompletableFuture<Void> slowClientLeft = new CompletableFuture<>();
        /**
         * A request counts as active from its handler's start until its response is about to be written: an
         * interval inside the client's (from its connect until it has read the response), so {@link #maxActive}
         * never exceeds the client's concurrency, while requests that wait for their request line overlap. Counting
         * until the write completed would let the client's next connection start first (listeners accept on their
         * own thread), and count one request too many.
         */
        final Server server = EventLoop.defaultLoop().listen("127.0.0.1", 0, conn -> {
            maxActive.accumulateAndGet(active.incrementAndGet(), Math::max);
            AtomicBoolean counted = new AtomicBoolean(true);
            Runnable leave = () -> {
                if (counted.getAndSet(false)) {
                    active.decrementAndGet();
                }
            };
            return conn.readLine(8192, ISO_8859_1).thenCompose(line -> {
                String path = line.split(" ")[1];
                if (path.equals("/slow")) {
                    // never answer; the client's end of stream (or reset) shows it gave up
                    return conn.readToEnd(1024).handle((rest, e) -> {
                        slowClientLeft.complete(null);
                        return (Void) null;
                    });
                }
                leave.run();
                return conn.write("HTTP/1.1 200 OK\r\nContent-Length: " + path.length() + "\r\n\r\n" + path,
                        ISO_8859_1);
            }).whenComplete((v, e) -> leave.run());
        }).join();

        String url(String path) {
            return "http://127.0.0.1:" + server.port() + path;
        }

        @Override
        public void close() {
            server.closeGracefully(Duration.ofSeconds(2)).join();
        }
    }

    @Test
    void oneSlowUrlTimesOutWhileTheOthersAreFetched() throws Exception {
        try (TestServer server = new TestServer()) {
            List<String> urls = List.of(server.url("/one"), server.url("/slow"), server.url("/three33"));
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            int code = FetchCommand.run(EventLoop.defaultLoop(), urls, 8, Duration.ofSeconds(1),
                    new PrintStream(bytes, true, UTF_8));
            List<String> lines = new ArrayList<>(Arrays.asList(bytes.toString(UTF_8).split(System.lineSeparator())));
            assertThat(code).isEqualTo(1);
            assertThat(lines).hasSize(4);
            assertThat(lines.get(3)).matches("fetched 3 urls: 2 ok, 1 failed in \\d+ ms");
            assertThat(lines.subList(0, 3)).anySatisfy(l -> assertThat(l).matches("200 4 \\d+ " + urls.get(0)))
                    .anySatisfy(l -> assertThat(l).matches("200 8 \\d+ " + urls.get(2)))
                    .anySatisfy(l -> assertThat(l).isEqualTo("ERROR timeout " + urls.get(1)));
            server.slowClientLeft.get(10, TimeUnit.SECONDS);  // the timed-out request closed its connection
        }
    }

    @Test
    void noMoreThanConcurrencyRequestsAreInFlight() {
        try (TestServer server = new TestServer()) {
            List<String> urls = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                urls.add(server.url("/" + i));
            }
            List<String> lines = new ArrayList<>();
            Fetch.Summary summary = Fetch.fetchAll(EventLoop.defaultLoop(), urls, 3, Duration.ofSeconds(10),
                    lines::add).join();
            assertThat(summary.ok()).isEqualTo(20);
            assertThat(summary.failed()).isZero();
            assertThat(lines).hasSize(20).allMatch(l -> l.startsWith("200 "));
            assertThat(server.maxActive.get()).isBetween(1, 3);
        }
    }

    @Test
    void unfetchableUrlsAreReportedAsErrors() {
        List<String> lines = new ArrayList<>();
        Fetch.Summary summary = Fetch.fetchAll(EventLoop.defaultLoop(),
                List.of("https:///no-host", "ftp://example.com/"), 2, Duration.ofSeconds(5), lines::add).join();
        assertThat(summary.failed()).isEqualTo(2);
        assertThat(lines).containsExactlyInAnyOrder(
                "ERROR not an http://host/ or https://host/ URL: https:///no-host https:///no-host",
                "ERROR not an http://host/ or https://host/ URL: ftp://example.com/ ftp://example.com/");
    }
}
