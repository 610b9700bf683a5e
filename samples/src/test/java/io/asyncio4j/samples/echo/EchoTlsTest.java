package io.asyncio4j.samples.echo;

import io.asyncio4j.Server;
import io.asyncio4j.TlsOptions;
import io.asyncio4j.nio.EventLoop;
import io.asyncio4j.samples.JdkTlsServer;
import io.asyncio4j.samples.PrintedLines;
import io.asyncio4j.samples.ServedCommand;
import io.asyncio4j.tls.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code echo-server --tls-cert/--tls-key} and {@code echo-client --tls}: with each other, with the JDK's TLS socket
 * on the other end both ways, and the client's one-line errors for a refused certificate.
 */
class EchoTlsTest {

    private static final EventLoop LOOP = EventLoop.defaultLoop();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String NL = System.lineSeparator();

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    /** Parses {@code args} as {@code echo-client}'s command line and runs it. */
    int echoClient(String... args) {
        EchoClientCommand command = CommandLine.populateCommand(new EchoClientCommand(), args);
        return command.run(new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8));
    }

    static Server tlsEchoServer(String certificate) {
        return EchoServer.start(LOOP, "127.0.0.1", 0, TlsOptions.server(TestCertificates.serverContext(certificate)),
                new PrintedLines().stream(), Duration.ZERO);
    }

    static void stop(Server server) throws Exception {
        server.closeGracefully(Duration.ofSeconds(1)).get(10, TimeUnit.SECONDS);
    }

    static String cacert() {
        return TestCertificates.path("ca.pem").toString();
    }

    @Test
    void echoClientGetsItsMessageBackFromTheEchoServerOverTls() throws Exception {
        EchoServerCommand server = CommandLine.populateCommand(new EchoServerCommand(), "--port", "0",
                "--tls-cert", TestCertificates.path("server.pem").toString(),
                "--tls-key", TestCertificates.path("server-key.pem").toString());
        try (ServedCommand served = ServedCommand.start(server::serve)) {
            int code = echoClient("--tls", "--cacert", cacert(), "--port", Integer.toString(served.port()),
                    "hello over TLS");
            assertThat(err.toString(UTF_8)).isEmpty();
            assertThat(code).isZero();
            assertThat(out.toString(UTF_8)).isEqualTo("hello over TLS\n");
            assertThat(served.printed().await(l -> l.startsWith("Incoming connection from 127.0.0.1:"), WAIT))
                    .isNotNull();
        }
    }

    @Test
    void echoesAMegabyteOfBinaryOverTlsByteForByte() throws Exception {
        Server server = tlsEchoServer("server");
        try {
            byte[] data = new byte[1 << 20];
            new Random(42).nextBytes(data);
            byte[] reply = EchoClient.echo(LOOP, "localhost", server.port(),
                    TlsOptions.client(TestCertificates.clientTrustingCa()), data, data.length, WAIT)
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(reply).isEqualTo(data);
        } finally {
            stop(server);
        }
    }

    @Test
    void theEchoServerAnswersTheJdkTlsSocketUntilItsHalfClose() throws Exception {
        Server server = tlsEchoServer("server");
        try (SSLSocket socket = (SSLSocket) TestCertificates.clientTrustingCa().getSocketFactory()
                .createSocket("localhost", server.port())) {
            socket.setSoTimeout((int) WAIT.toMillis());
            socket.getOutputStream().write("from the JDK".getBytes(UTF_8));
            socket.shutdownOutput();                              // close_notify; TLS 1.3 keeps the other way open
            assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
            assertThat(new String(socket.getInputStream().readAllBytes(), UTF_8)).isEqualTo("from the JDK");
        } finally {
            stop(server);
        }
    }

    @Test
    void echoClientGetsItsMessageBackFromTheJdkTlsSocket() throws Exception {
        try (JdkTlsServer server = new JdkTlsServer(TestCertificates.serverContext(), (tls, raw) -> {
            byte[] message = tls.getInputStream().readAllBytes();  // until the client's close_notify
            tls.getOutputStream().write(message);
            tls.close();
        })) {
            int code = echoClient("--tls", "--cacert", cacert(), "--host", "localhost",
                    "--port", Integer.toString(server.port()), "to the JDK");
            assertThat(err.toString(UTF_8)).isEmpty();
            assertThat(code).isZero();
            assertThat(out.toString(UTF_8)).isEqualTo("to the JDK\n");
            server.done().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "wrong-host  | TLS: the certificate of wrong.example does not match 127.0.0.1",
        "self-signed | TLS: certificate not trusted: the certificate of localhost, 127.0.0.1 is self-signed",
        "expired     | TLS: the certificate of localhost, 127.0.0.1, ::1 expired on 2020-01-02T00:00:00Z"})
    void aRefusedCertificateIsAOneLineError(String certificate, String reason) throws Exception {
        Server server = tlsEchoServer(certificate);
        try {
            int code = echoClient("--tls", "--cacert", cacert(), "--port", Integer.toString(server.port()), "hi");
            assertThat(code).isEqualTo(1);
            assertThat(out.toString(UTF_8)).isEmpty();
            assertThat(err.toString(UTF_8)).isEqualTo("echo-client: " + reason + " (127.0.0.1:" + server.port() + ")"
                    + NL);
        } finally {
            stop(server);
        }
    }

    @Test
    void insecureEchoesWithAServerOfAnotherNameAfterAWarning() throws Exception {
        Server server = tlsEchoServer("wrong-host");
        try {
            int code = echoClient("--tls", "--insecure", "--port", Integer.toString(server.port()), "hi anyway");
            assertThat(code).isZero();
            assertThat(out.toString(UTF_8)).isEqualTo("hi anyway\n");
            assertThat(err.toString(UTF_8)).isEqualTo("echo-client: warning: --insecure: the server's certificate and"
                    + " host name are not checked" + NL);
        } finally {
            stop(server);
        }
    }
}
