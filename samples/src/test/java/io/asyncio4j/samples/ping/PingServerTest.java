package io.asyncio4j.samples.ping;

import io.asyncio4j.Server;
import io.asyncio4j.nio.EventLoop;
import io.asyncio4j.samples.PrintedLines;
import io.asyncio4j.samples.cli.ConnectOptions;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

class PingServerTest {

    private static final EventLoop LOOP = EventLoop.defaultLoop();
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void printsTheClientThenEachChunkItSends() throws Exception {
        PrintedLines printed = new PrintedLines();
        Server server = PingServer.start(LOOP, "127.0.0.1", 0, Duration.ofSeconds(30), printed.stream());
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout((int) WAIT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write("ping".getBytes(UTF_8));
            printed.await("ping"::equals, WAIT);
            byte[] accented = "é".getBytes(UTF_8);                 // split between two chunks
            out.write(new byte[] {'a', accented[0]});
            printed.await("a"::equals, WAIT);
            out.write(new byte[] {accented[1], 'b'});
            printed.await("éb"::equals, WAIT);
            socket.shutdownOutput();
            assertThat(socket.getInputStream().read()).isEqualTo(-1);   // nothing sent back; closed at EOF
            assertThat(printed.lines()).containsExactly(
                    "connected client: 127.0.0.1:" + socket.getLocalPort(), "ping", "a", "éb");
        } finally {
            server.close();
        }
    }

    @Test
    void closesAConnectionIdleForTheTimeoutAfterSayingSo() throws Exception {
        PrintedLines printed = new PrintedLines();
        Server server = PingServer.start(LOOP, "127.0.0.1", 0, Duration.ofMillis(200), printed.stream());
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout((int) WAIT.toMillis());
            assertThat(socket.getInputStream().read()).isEqualTo(-1);   // the server closed it
            assertThat(printed.awaitCount(2, WAIT)).containsExactly(
                    "connected client: 127.0.0.1:" + socket.getLocalPort(), "close connection by timeout");
        } finally {
            server.close();
        }
    }

    @Test
    void pingClientPrintsNothingWhenTheServerTakesTheMessage() throws Exception {
        PrintedLines printed = new PrintedLines();
        Server server = PingServer.start(LOOP, "127.0.0.1", 0, Duration.ofSeconds(30), printed.stream());
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = client(server.port(), Duration.ofSeconds(30)).run(new PrintStream(out, true, UTF_8));
            assertThat(code).isZero();
            assertThat(out.toString(UTF_8)).isEmpty();
            assertThat(printed.awaitCount(2, WAIT).get(1)).isEqualTo("ping");
        } finally {
            server.close();
        }
    }

    @Test
    void pingClientPrintsSendDataTimeoutWhenTheServerNeverAnswers() throws Exception {
        try (ServerSocket silent = new ServerSocket(0)) {            // the kernel accepts; nobody reads or closes
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = client(silent.getLocalPort(), Duration.ofMillis(200)).run(new PrintStream(out, true, UTF_8));
            assertThat(code).isEqualTo(1);
            assertThat(out.toString(UTF_8)).isEqualTo("send data timeout" + System.lineSeparator());
        }
    }

    @Test
    void pingClientPrintsSendDataErrorWhenRefused() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = client(closedPort, Duration.ofSeconds(30)).run(new PrintStream(out, true, UTF_8));
        assertThat(code).isEqualTo(1);
        assertThat(out.toString(UTF_8)).isEqualTo("send data error: Connection refused" + System.lineSeparator());
    }

    private static PingClientCommand client(int port, Duration timeout) {
        PingClientCommand command = new PingClientCommand();
        command.server = new ConnectOptions(port);
        command.connectTimeout = Duration.ofSeconds(5);
        command.timeout = timeout;
        command.message = "ping";
        return command;
    }
}
