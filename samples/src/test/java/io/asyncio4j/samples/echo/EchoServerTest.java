package io.asyncio4j.samples.echo;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.Server;
import io.asyncio4j.combinators.Async;
import io.asyncio4j.nio.EventLoop;
import io.asyncio4j.samples.PrintedLines;
import io.asyncio4j.samples.cli.ConnectOptions;
import io.asyncio4j.samples.cli.ListenOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

class EchoServerTest {

    private static final EventLoop LOOP = EventLoop.defaultLoop();
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final PrintedLines printed = new PrintedLines();
    private Server server;

    @BeforeEach
    void start() {
        server = EchoServer.start(LOOP, "127.0.0.1", 0, printed.stream());
    }

    @AfterEach
    void stop() throws Exception {
        server.closeGracefully(Duration.ofSeconds(1)).get(10, TimeUnit.SECONDS);
    }

    @Test
    void printsEachIncomingConnectionWithThePeerAddress() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout((int) WAIT.toMillis());
            socket.getOutputStream().write("hi".getBytes(UTF_8));
            socket.shutdownOutput();
            assertThat(socket.getInputStream().readAllBytes()).isEqualTo("hi".getBytes(UTF_8));
            assertThat(printed.lines()).containsExactly("Incoming connection from 127.0.0.1:" + socket.getLocalPort());
        }
    }

    @Test
    void echoesAMegabyteOfBinaryByteForByte() throws Exception {
        byte[] data = new byte[1 << 20];
        new Random(42).nextBytes(data);
        byte[] reply = EchoClient.echo(LOOP, "127.0.0.1", server.port(), data, data.length, WAIT)
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(reply).isEqualTo(data);
    }

    @Test
    void echoesAThousandSmallMessagesOverAHundredConcurrentClients() throws Exception {
        List<AsyncFuture<List<String>>> clients = new ArrayList<>();
        for (int c = 0; c < 100; c++) {
            int client = c;
            clients.add(LOOP.connect("127.0.0.1", server.port()).thenCompose(conn -> {
                List<String> echoed = new ArrayList<>();
                return Async.repeat(10, m -> {
                    byte[] message = ("client " + client + " message " + m + "\n").getBytes(UTF_8);
                    return conn.write(message).thenCompose(sent -> conn.readExactly(message.length))
                            .thenAccept(back -> echoed.add(new String(back, UTF_8)));
                }).thenCompose(done -> conn.close()).thenApply(closed -> echoed);
            }));
        }
        List<List<String>> results = Async.gather(clients).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        for (int c = 0; c < 100; c++) {
            List<String> expected = new ArrayList<>();
            for (int m = 0; m < 10; m++) {
                expected.add("client " + c + " message " + m + "\n");
            }
            assertThat(results.get(c)).containsExactlyElementsOf(expected);
        }
        assertThat(printed.awaitCount(100, WAIT)).hasSize(100)
                .allMatch(line -> line.matches("Incoming connection from 127\\.0\\.0\\.1:\\d+"));
    }

    @Test
    void aClientThatResetsTheConnectionIsDroppedQuietly() throws Exception {
        List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        ch.qos.logback.core.AppenderBase<ch.qos.logback.classic.spi.ILoggingEvent> collector =
                new ch.qos.logback.core.AppenderBase<>() {
                    @Override
                    protected void append(ch.qos.logback.classic.spi.ILoggingEvent event) {
                        if (event.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN)) {
                            warnings.add(event.getFormattedMessage());
                        }
                    }
                };
        collector.start();
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(collector);
        try {
            for (int i = 0; i < 20; i++) {
                try (Socket socket = new Socket("127.0.0.1", server.port())) {
                    socket.setSoTimeout((int) WAIT.toMillis());
                    socket.getOutputStream().write("hi".getBytes(UTF_8));
                    assertThat(socket.getInputStream().readNBytes(2)).isEqualTo("hi".getBytes(UTF_8));
                    if (i % 2 == 1) {
                        socket.getOutputStream().write("more".getBytes(UTF_8)); // reset with the echo unread
                    }
                    socket.setSoLinger(true, 0); // close() sends RST
                }
            }
            io.asyncio4j.samples.LoadBaseline.awaitCount("open connections", server::activeConnections, 0, WAIT);
            assertThat(printed.awaitCount(20, WAIT)).hasSize(20);
            assertThat(warnings).as("a reset is a disconnect, not a handler failure").isEmpty();
        } finally {
            root.detachAppender(collector);
        }
    }

    @Test
    void echoClientCommandPrintsTheReply() {
        EchoClientCommand command = client(server.port(), "hello, echo");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = command.run(new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8));
        assertThat(code).isZero();
        assertThat(out.toString(UTF_8)).isEqualTo("hello, echo\n");
        assertThat(err.toString(UTF_8)).isEmpty();
    }

    @Test
    void echoClientCommandFailsWithOneLineWhenRefused() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        EchoClientCommand command = client(closedPort, "hello");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = command.run(new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8));
        assertThat(code).isEqualTo(1);
        assertThat(out.toString(UTF_8)).isEmpty();
        assertThat(err.toString(UTF_8))
                .isEqualTo("echo-client: Connection refused (127.0.0.1:" + closedPort + ")" + System.lineSeparator());
    }

    @Test
    void commandWithAnIdleTimeoutClosesASilentConnectionAndKeepsEchoing() throws Exception {
        EchoServerCommand command = new EchoServerCommand();
        command.listen = new ListenOptions(0);
        command.idleTimeout = Duration.ofMillis(200);
        PrintedLines lines = new PrintedLines();
        CompletableFuture<Void> stop = new CompletableFuture<>();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> command.serve(lines.stream(), stop));
        try {
            String listening = lines.await(l -> l.startsWith("listening on "), WAIT);
            int port = Integer.parseInt(listening.substring(listening.lastIndexOf(':') + 1));
            try (Socket silent = new Socket("127.0.0.1", port)) {
                silent.setSoTimeout((int) WAIT.toMillis());
                assertThat(silent.getInputStream().read()).as("closed by the server").isEqualTo(-1);
            }
            byte[] reply = EchoClient.echo(LOOP, "127.0.0.1", port, "still here".getBytes(UTF_8), 10, WAIT)
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(reply).isEqualTo("still here".getBytes(UTF_8));
        } finally {
            stop.complete(null);
        }
        assertThat(exit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isZero();
    }

    private static EchoClientCommand client(int port, String message) {
        EchoClientCommand command = new EchoClientCommand();
        command.server = new ConnectOptions(port);
        command.timeout = WAIT;
        command.message = message;
        return command;
    }
}
