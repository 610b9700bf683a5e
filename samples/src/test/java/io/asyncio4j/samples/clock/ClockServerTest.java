package io.asyncio4j.samples.clock;

import io.asyncio4j.Connection;
import io.asyncio4j.nio.EventLoop;
import io.asyncio4j.samples.PrintedLines;
import io.asyncio4j.samples.cli.ListenOptions;
import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

class ClockServerTest {

    private static final EventLoop LOOP = EventLoop.defaultLoop();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration INTERVAL = Duration.ofMillis(50);

    @Test
    void sendsTheTimeLineAtEveryTick() throws Exception {
        ClockServer clock = ClockServer.start(LOOP, "127.0.0.1", 0, INTERVAL, new SteppingClock(),
                new PrintedLines().stream());
        try {
            Connection conn = LOOP.connect("127.0.0.1", clock.server().port()).get(30, TimeUnit.SECONDS);
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                byte[] line = conn.readUntil("\r\n".getBytes(US_ASCII), 64).get(30, TimeUnit.SECONDS);
                lines.add(new String(line, US_ASCII));
            }
            conn.close();
            assertThat(lines).containsExactly(
                    "Sun Nov  1 23:02:00 2026\r\n",
                    "Sun Nov  1 23:02:01 2026\r\n",
                    "Sun Nov  1 23:02:02 2026\r\n");
        } finally {
            clock.server().close();
            clock.stopClients();
        }
    }

    @Test
    void aClientThatNeverReadsDoesNotHoldUpTheOthers() throws Exception {
        ClockServer clock = ClockServer.start(LOOP, "127.0.0.1", 0, Duration.ofMillis(1), Clock.systemUTC(),
                new PrintedLines().stream());
        try (Socket stalled = new Socket()) {
            stalled.setReceiveBufferSize(1024);
            stalled.connect(new java.net.InetSocketAddress("127.0.0.1", clock.server().port()));
            Connection reader = LOOP.connect("127.0.0.1", clock.server().port()).get(30, TimeUnit.SECONDS);
            for (int i = 0; i < 200; i++) {
                byte[] line = reader.readUntil("\r\n".getBytes(US_ASCII), 64).get(30, TimeUnit.SECONDS);
                assertThat(new String(line, US_ASCII)).matches("\\w{3} \\w{3} [ 123]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}\r\n");
            }
            reader.close();
        } finally {
            clock.server().close();
            clock.stopClients();
        }
    }

    @Test
    void commandStopsTickingAndClosesClientsOnStop() throws Exception {
        ClockServerCommand command = new ClockServerCommand();
        command.listen = new ListenOptions(0);
        command.interval = INTERVAL;
        PrintedLines printed = new PrintedLines();
        CompletableFuture<Void> stop = new CompletableFuture<>();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> command.serve(printed.stream(), stop));
        String listening = printed.await(l -> l.startsWith("listening on "), WAIT);
        int port = Integer.parseInt(listening.substring(listening.lastIndexOf(':') + 1));

        Connection conn = LOOP.connect("127.0.0.1", port).get(30, TimeUnit.SECONDS);
        assertThat(conn.readLine(64, US_ASCII).get(30, TimeUnit.SECONDS)).hasSize(24);
        stop.complete(null);
        assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
        // whatever ticks were in flight, then the end of the stream: the server closed the connection itself
        byte[] rest = conn.readToEnd(64 * 1024).get(30, TimeUnit.SECONDS);
        assertThat(new String(rest, US_ASCII)).matches("(\\w{3} \\w{3} [ 123]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}\r\n)*");
        conn.close();
    }

    /** A clock that moves one second forward each time it is read, from Sun Nov 1 23:02:00 2026 UTC. */
    private static final class SteppingClock extends Clock {
        private final Instant start = ZonedDateTime.of(2026, 11, 1, 23, 2, 0, 0, ZoneOffset.UTC).toInstant();
        private final AtomicLong reads = new AtomicLong();

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return start.plusSeconds(reads.getAndIncrement());
        }
    }
}
