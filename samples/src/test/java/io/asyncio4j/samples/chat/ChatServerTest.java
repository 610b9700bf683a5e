package io.asyncio4j.samples.chat;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.Connection;
import io.asyncio4j.ConnectionOptions;
import io.asyncio4j.ServerOptions;
import io.asyncio4j.combinators.Async;
import io.asyncio4j.nio.EventLoop;
import io.asyncio4j.samples.PrintedLines;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

class ChatServerTest {

    private static final EventLoop LOOP = EventLoop.defaultLoop();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final byte[] CRLF = "\r\n".getBytes(US_ASCII);

    private final PrintedLines printed = new PrintedLines();
    private final List<Connection> clients = new ArrayList<>();
    private ChatServer chat;

    @AfterEach
    void stop() throws Exception {
        clients.forEach(Connection::abort);
        chat.server().close();
        chat.closeClients();
        chat.server().closeGracefully(Duration.ofSeconds(1)).get(10, TimeUnit.SECONDS);
    }

    @Test
    void linesGoToEveryOtherClientAndJoinsAndLeavesAreAnnounced() throws Exception {
        chat = ChatServer.start(LOOP, "127.0.0.1", 0, printed.stream());
        Connection a = join(1);
        Connection b = join(2);
        assertThat(next(a)).isEqualTo("* " + name(b) + " joined\r\n");

        write(b, "hello\r\n");                      // telnet: CRLF
        assertThat(next(a)).isEqualTo(name(b) + ": hello\r\n");
        write(a, "hi there\n");                     // bare LF works too
        assertThat(next(b)).isEqualTo(name(a) + ": hi there\r\n");   // not its own "hello"

        b.close();
        assertThat(next(a)).isEqualTo("* " + name(b) + " left\r\n");
        assertThat(printed.await(l -> l.endsWith(" left"), WAIT)).isEqualTo("* " + name(b) + " left");
        assertThat(printed.lines()).startsWith("* " + name(a) + " joined", "* " + name(b) + " joined");
    }

    @Test
    void aLineOverTheLimitIsNotSentAndTheSenderIsTold() throws Exception {
        chat = ChatServer.start(LOOP, "127.0.0.1", 0, printed.stream());
        Connection a = join(1);
        Connection b = join(2);
        assertThat(next(a)).isEqualTo("* " + name(b) + " joined\r\n");
        String tooLong = "* line too long (limit 1024 bytes), not sent\r\n";

        String longest = "y".repeat(ChatServer.MAX_LINE_BYTES);
        write(a, longest + "\r\n" + "z".repeat(ChatServer.MAX_LINE_BYTES + 1) + "\n");
        assertThat(next(b)).isEqualTo(name(a) + ": " + longest + "\r\n");
        assertThat(next(a)).isEqualTo(tooLong);

        write(a, "x".repeat(3000));                 // no end of line yet: told at once
        assertThat(next(a)).isEqualTo(tooLong);
        write(a, "x".repeat(3000) + "\r\nok\r\n");   // the rest of the long line is dropped, then "ok" goes
        assertThat(next(b)).isEqualTo(name(a) + ": ok\r\n");
        write(b, "still here?\r\n");
        assertThat(next(a)).isEqualTo(name(b) + ": still here?\r\n");
    }

    @Test
    void aClientThatNeverReadsIsDisconnectedWithinTheStallLimitAndTheOthersGetEveryLine() throws Exception {
        // small kernel buffers on both sides, so the stalled client's backlog shows up in the server's queue
        ServerOptions small = ServerOptions.defaults()
                .withConnectionOptions(ConnectionOptions.defaults().withSendBufferSize(8192));
        chat = ChatServer.start(LOOP, "127.0.0.1", 0, small, Duration.ofSeconds(1), printed.stream());
        List<Connection> talkers = List.of(join(1), join(2), join(3));
        assertThat(next(talkers.get(0))).isEqualTo("* " + name(talkers.get(1)) + " joined\r\n");
        assertThat(next(talkers.get(0))).isEqualTo("* " + name(talkers.get(2)) + " joined\r\n");
        assertThat(next(talkers.get(1))).isEqualTo("* " + name(talkers.get(2)) + " joined\r\n");

        try (Socket stalled = new Socket()) {
            stalled.setReceiveBufferSize(4096);
            stalled.connect(new InetSocketAddress("127.0.0.1", chat.server().port()));
            String stalledName = "127.0.0.1:" + stalled.getLocalPort();
            for (Connection t : talkers) {
                assertThat(next(t)).isEqualTo("* " + stalledName + " joined\r\n");
            }

            int linesPerRound = 50;
            String padding = "p".repeat(200);
            Map<Connection, List<String>> received = new HashMap<>();
            talkers.forEach(t -> received.put(t, new ArrayList<>()));
            int roundsAfterKick = -1;
            int round = 0;
            while (roundsAfterKick < 2) {
                assertThat(round).as("rounds before the stalled client was disconnected").isLessThan(40);
                List<AsyncFuture<Void>> sends = new ArrayList<>();
                for (Connection t : talkers) {
                    StringBuilder batch = new StringBuilder();
                    for (int i = 0; i < linesPerRound; i++) {
                        batch.append("round ").append(round).append(" line ").append(i).append(' ')
                                .append(padding).append("\r\n");
                    }
                    sends.add(t.write(batch.toString(), US_ASCII));
                }
                Async.gather(sends).get(30, TimeUnit.SECONDS);
                boolean kicked = false;
                for (Connection t : talkers) {
                    int chatLines = 0;
                    while (chatLines < 2 * linesPerRound) {
                        String line = next(t);
                        if (line.equals("* " + stalledName + " left\r\n")) {
                            kicked = true;
                        } else {
                            received.get(t).add(line);
                            chatLines++;
                        }
                    }
                }
                if (kicked || roundsAfterKick >= 0) {
                    roundsAfterKick++;
                }
                round++;
            }

            // every talker got every line of the two others, in each sender's order
            for (Connection t : talkers) {
                Map<String, List<String>> bySender = new HashMap<>();
                for (String line : received.get(t)) {
                    String sender = line.substring(0, line.indexOf(": "));
                    bySender.computeIfAbsent(sender, s -> new ArrayList<>()).add(line.substring(sender.length() + 2));
                }
                assertThat(bySender.keySet()).containsExactlyInAnyOrderElementsOf(
                        talkers.stream().filter(o -> o != t).map(ChatServerTest::name).toList());
                for (List<String> lines : bySender.values()) {
                    List<String> expected = new ArrayList<>();
                    for (int r = 0; r < round; r++) {
                        for (int i = 0; i < linesPerRound; i++) {
                            expected.add("round " + r + " line " + i + " " + padding + "\r\n");
                        }
                    }
                    assertThat(lines).containsExactlyElementsOf(expected);
                }
            }

            // the stalled client got its welcome, some whole chat lines, the notice, then the end of the stream
            stalled.setSoTimeout((int) WAIT.toMillis());
            InputStream in = stalled.getInputStream();
            String all = new String(in.readAllBytes(), US_ASCII);
            assertThat(all).startsWith("* welcome " + stalledName + " (4 online)\r\n")
                    .endsWith("\r\n* you are too far behind; disconnecting\r\n");
            List<String> lines = Arrays.asList(all.split("\r\n"));
            List<String> chatLines = lines.subList(1, lines.size() - 1);
            assertThat(chatLines).isNotEmpty()
                    .allMatch(l -> l.matches("127\\.0\\.0\\.1:\\d+: round \\d+ line \\d+ p{200}"));
            assertThat(chatLines.size()).isLessThan(3 * linesPerRound * round);
            assertThat(printed.lines()).contains("* " + stalledName + " left");
        }
    }

    @Test
    void membersThatKeepReadingGetEveryLineOfABigPasteWhileOneThatStopsReadingIsDropped() throws Exception {
        // Small kernel buffers toward the hung member, so its backlog shows up in the server's queue.
        ServerOptions small = ServerOptions.defaults()
                .withConnectionOptions(ConnectionOptions.defaults().withSendBufferSize(8192));
        chat = ChatServer.start(LOOP, "127.0.0.1", 0, small, Duration.ofSeconds(1), printed.stream());
        int lines = 30_000;
        String filler = "x".repeat(88);                 // 100 bytes a line: a 3 MB paste
        List<Socket> sockets = new ArrayList<>();
        try {
            List<java.util.concurrent.CompletableFuture<List<String>>> fastReaders = new ArrayList<>();
            java.util.concurrent.atomic.AtomicReference<String> pasterName = new java.util.concurrent.atomic.AtomicReference<>();
            for (int i = 0; i < 3; i++) {
                Socket reader = new Socket("127.0.0.1", chat.server().port());
                sockets.add(reader);
                fastReaders.add(readPaste(reader, pasterName::get, lines));
            }
            Socket hung = new Socket();
            sockets.add(hung);
            hung.setReceiveBufferSize(4096);
            hung.connect(new InetSocketAddress("127.0.0.1", chat.server().port()));
            String hungName = "127.0.0.1:" + hung.getLocalPort();
            Socket paster = new Socket("127.0.0.1", chat.server().port());
            sockets.add(paster);
            pasterName.set("127.0.0.1:" + paster.getLocalPort());
            printed.await(l -> l.equals("* " + pasterName.get() + " joined"), WAIT);

            StringBuilder paste = new StringBuilder(lines * 100);
            for (int i = 0; i < lines; i++) {
                paste.append(String.format("%09d ", i)).append(filler).append('\n');
            }
            paster.getOutputStream().write(paste.toString().getBytes(US_ASCII));   // waits while the room is slow

            for (java.util.concurrent.CompletableFuture<List<String>> reader : fastReaders) {
                List<String> got = reader.get(60, TimeUnit.SECONDS);
                assertThat(got).hasSize(lines);
                for (int i = 0; i < lines; i += 997) {
                    assertThat(got.get(i)).isEqualTo(pasterName.get() + ": " + String.format("%09d ", i) + filler);
                }
            }
            assertThat(printed.await(l -> l.equals("* " + hungName + " left"), WAIT)).isNotNull();
            assertThat(printed.lines()).as("nobody but the hung member left")
                    .filteredOn(l -> l.endsWith(" left")).containsExactly("* " + hungName + " left");
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    /**
     * A member reading as fast as it can on a thread of its own: completes with the lines the paster sent, in
     * order, once it has {@code count} of them; fails if it is disconnected first.
     */
    private static java.util.concurrent.CompletableFuture<List<String>> readPaste(
            Socket socket, java.util.function.Supplier<String> paster, int count) {
        java.util.concurrent.CompletableFuture<List<String>> result = new java.util.concurrent.CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                java.io.BufferedReader in = new java.io.BufferedReader(
                        new java.io.InputStreamReader(socket.getInputStream(), US_ASCII));
                List<String> got = new ArrayList<>(count);
                String line;
                while (got.size() < count && (line = in.readLine()) != null) {
                    String from = paster.get();
                    if (line.contains("too far behind")) {
                        throw new AssertionError("a member that keeps reading was disconnected");
                    }
                    if (from != null && line.startsWith(from + ": ")) {
                        got.add(line);
                    }
                }
                result.complete(got);
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "fast-reader");
        t.setDaemon(true);
        t.start();
        return result;
    }

    /** Connects a client and checks its welcome line. */
    private Connection join(int online) throws Exception {
        Connection conn = LOOP.connect("127.0.0.1", chat.server().port()).get(30, TimeUnit.SECONDS);
        clients.add(conn);
        assertThat(next(conn)).isEqualTo("* welcome " + name(conn) + " (" + online + " online)\r\n");
        return conn;
    }

    private static String name(Connection conn) {
        return "127.0.0.1:" + ((InetSocketAddress) conn.localAddress()).getPort();
    }

    private static String next(Connection conn) throws Exception {
        return new String(conn.readUntil(CRLF, 8192).get(30, TimeUnit.SECONDS), US_ASCII);
    }

    private static void write(Connection conn, String text) throws Exception {
        conn.write(text, US_ASCII).get(30, TimeUnit.SECONDS);
    }
}
