package io.asyncio4j.samples.time;

import io.asyncio4j.Server;
import io.asyncio4j.nio.EventLoop;
import io.asyncio4j.samples.PrintedLines;
import io.asyncio4j.samples.cli.ConnectOptions;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

class TimeServerTest {

    private static final EventLoop LOOP = EventLoop.defaultLoop();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ZonedDateTime NOV_1 = ZonedDateTime.of(2026, 11, 1, 23, 2, 0, 0, ZoneOffset.UTC);
    private static final Clock FIXED = Clock.fixed(NOV_1.toInstant(), ZoneOffset.UTC);

    @Test
    void ctimePadsTheDayOfMonthWithASpace() {
        assertThat(Ctime.format(NOV_1)).isEqualTo("Sun Nov  1 23:02:00 2026");
        assertThat(Ctime.format(NOV_1.withDayOfMonth(21).withHour(9).withMinute(5).withSecond(7)))
                .isEqualTo("Sat Nov 21 09:05:07 2026");
    }

    @Test
    void sendsTheTimeAsCtimeWithCrlfThenCloses() throws Exception {
        PrintedLines printed = new PrintedLines();
        Server server = TimeServer.start(LOOP, "127.0.0.1", List.of(0), FIXED, printed.stream()).get(0);
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout((int) WAIT.toMillis());
            byte[] all = socket.getInputStream().readAllBytes();   // until the server closes
            assertThat(new String(all, US_ASCII)).isEqualTo("Sun Nov  1 23:02:00 2026\r\n");
            assertThat(printed.await(l -> l.startsWith("Got"), WAIT))
                    .isEqualTo("Got a connection from 127.0.0.1:" + socket.getLocalPort());
        } finally {
            server.close();
        }
    }

    @Test
    void sendsTheLocalTimeThatParsesBack() throws Exception {
        ZoneId zone = ZoneId.systemDefault();
        Server server = TimeServer.start(LOOP, "127.0.0.1", List.of(0), Clock.system(zone),
                new PrintedLines().stream()).get(0);
        try {
            LocalDateTime before = LocalDateTime.now(zone).truncatedTo(ChronoUnit.SECONDS);
            String line = TimeClient.fetch(LOOP, "127.0.0.1", server.port(), WAIT).get(30, TimeUnit.SECONDS);
            LocalDateTime after = LocalDateTime.now(zone);
            assertThat(line).matches("(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} [ 123]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}");
            LocalDateTime sent = LocalDateTime.parse(line, Ctime.FORMAT);
            assertThat(sent).isBetween(before, after);
            assertThat(line.substring(8, 10)).isEqualTo(String.format("%2d", sent.getDayOfMonth()));
        } finally {
            server.close();
        }
    }

    @Test
    void timeClientCommandPrintsCurrentTime() {
        Server server = TimeServer.start(LOOP, "127.0.0.1", List.of(0), FIXED, new PrintedLines().stream()).get(0);
        try {
            TimeClientCommand client = client(server.port());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = client.run(new PrintStream(out, true, UTF_8), System.err);
            assertThat(code).isZero();
            assertThat(out.toString(UTF_8))
                    .isEqualTo("Current time: Sun Nov  1 23:02:00 2026" + System.lineSeparator());
        } finally {
            server.close();
        }
    }

    @Test
    void timeServerCommandServesEveryPortFromOneLoopAndStopsWithExitCodeZero() throws Exception {
        TimeServerCommand command = new TimeServerCommand();
        command.host = "127.0.0.1";
        command.ports = List.of(0, 0);
        PrintedLines printed = new PrintedLines();
        CompletableFuture<Void> stop = new CompletableFuture<>();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> command.serve(printed.stream(), stop));

        List<String> listening = printed.awaitCount(2, WAIT);
        List<Integer> ports = new ArrayList<>();
        for (String line : listening) {
            assertThat(line).matches("listening on 127\\.0\\.0\\.1:\\d+");
            ports.add(Integer.parseInt(line.substring(line.lastIndexOf(':') + 1)));
        }
        assertThat(ports).doesNotHaveDuplicates().doesNotContain(0);
        for (int port : ports) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertThat(client(port).run(new PrintStream(out, true, UTF_8), System.err)).isZero();
            assertThat(out.toString(UTF_8)).matches("Current time: \\w{3} \\w{3} [ 123]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}\\R");
        }
        stop.complete(null);
        assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
    }

    private static TimeClientCommand client(int port) {
        TimeClientCommand command = new TimeClientCommand();
        command.server = new ConnectOptions(port);
        command.timeout = WAIT;
        return command;
    }
}
