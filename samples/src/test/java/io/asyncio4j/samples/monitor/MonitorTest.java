package io.asyncio4j.samples.monitor;

import io.asyncio4j.Server;
import io.asyncio4j.nio.EventLoop;
import io.asyncio4j.samples.cli.ListenOptions;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

class MonitorTest {

    private static final Pattern LATENCY = Pattern.compile("latency (\\d+\\.\\d{3}) ms \\((\\d+) bottles left\\)");
    private static final Pattern SUMMARY =
            Pattern.compile("summary: (\\d+) probes, mean (\\d+\\.\\d{3}) ms, max (\\d+\\.\\d{3}) ms");

    @Test
    void statusServerSendsRemainingBottlesThenCloses() throws Exception {
        AtomicLong remaining = new AtomicLong(10_000_000);
        Server server = StatusServer.start(EventLoop.defaultLoop(), "127.0.0.1", 0, remaining::get)
                .get(10, TimeUnit.SECONDS);
        try {
            assertThat(fetch(server.port())).isEqualTo("10000000 bottles\r\n");
            remaining.set(0);
            assertThat(fetch(server.port())).isEqualTo("0 bottles\r\n");
        } finally {
            server.close();
        }
    }

    @Test
    void jobCountsDownToZero() throws Exception {
        Bottles bottles = new Bottles(5000);
        assertThat(bottles.drinkBottles()).isEqualTo(5000);
        assertThat(bottles.remaining()).isZero();
        assertThat(bottles.sink()).isPositive();
    }

    @Test
    void monitorPrintsDecreasingLatencyLinesAndASummary() throws Exception {
        Bottles bottles = new Bottles(300_000);
        Server server = StatusServer.start(EventLoop.defaultLoop(), "127.0.0.1", 0, bottles::remaining)
                .get(10, TimeUnit.SECONDS);
        ExecutorService worker = Executors.newSingleThreadExecutor();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, UTF_8)) {
            LatencyMonitor.Summary summary = LatencyMonitor.start(EventLoop.defaultLoop(), "127.0.0.1",
                    server.port(), bottles, worker, java.time.Duration.ofMillis(5), out)
                    .finished().get(60, TimeUnit.SECONDS);

            List<String> lines = bytes.toString(UTF_8).lines().toList();
            assertThat(lines).isNotEmpty();
            assertThat(lines.get(lines.size() - 1)).matches(SUMMARY);
            List<Long> left = new ArrayList<>();
            for (String line : lines.subList(0, lines.size() - 1)) {
                Matcher m = LATENCY.matcher(line);
                assertThat(m.matches()).as(line).isTrue();
                left.add(Long.parseLong(m.group(2)));
            }
            assertThat(left.get(0)).as("the first probe runs before the job").isEqualTo(300_000L);
            assertThat(left).isSortedAccordingTo((a, b) -> Long.compare(b, a));
            assertThat(summary.probes()).isEqualTo(left.size());
            assertThat(summary.maxMillis()).isGreaterThanOrEqualTo(summary.meanMillis());
            assertThat(bottles.remaining()).isZero();
        } finally {
            worker.shutdownNow();
            server.close();
        }
    }

    @Test
    void commandPrintsListeningFirstAndExitsZeroWhenTheJobEnds() throws Exception {
        MonitorCommand command = new MonitorCommand();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        command.out = new PrintStream(bytes, true, UTF_8);
        command.listen = new ListenOptions(0);
        command.bottles = 100_000;
        command.interval = java.time.Duration.ofMillis(5);

        assertThat(command.call()).isZero();

        List<String> lines = bytes.toString(UTF_8).lines().toList();
        assertThat(lines.get(0)).matches("listening on 127\\.0\\.0\\.1:\\d+");
        assertThat(lines.get(1)).matches(LATENCY);
        assertThat(lines.get(lines.size() - 1)).matches(SUMMARY);
    }

    @Test
    void commandStopsEarlyWhenAskedAndStillSummarises() throws Exception {
        MonitorCommand command = new MonitorCommand();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        command.out = new PrintStream(bytes, true, UTF_8);
        command.listen = new ListenOptions(0);
        command.bottles = Long.MAX_VALUE;
        command.interval = java.time.Duration.ofMillis(5);
        command.stop = new CompletableFuture<>();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
            try {
                return command.call();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // Stop once the first latency line is out (the job is running or about to).
        while (bytes.toString(UTF_8).lines().noneMatch(l -> LATENCY.matcher(l).matches())) {
            assertThat(exit).isNotDone();
            Thread.onSpinWait();
        }
        command.stop.complete(null);

        assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
        List<String> lines = bytes.toString(UTF_8).lines().toList();
        assertThat(lines.get(lines.size() - 1)).matches(SUMMARY);
    }

    private static String fetch(int port) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), ISO_8859_1);
        }
    }
}
