package io.asyncio4j.samples.httpserver;

import io.asyncio4j.samples.ServedCommand;
import io.asyncio4j.tls.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import javax.net.ssl.SSLSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code http-server} with {@code --tls-cert}/{@code --tls-key} or {@code --tls-keystore} serves HTTPS: the JDK's
 * own HTTP client, trusting the test CA and checking the host name, gets the files.
 */
class HttpsServerTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path root;

    static HttpClient clientTrustingTheTestCa() {
        return HttpClient.newBuilder().sslContext(TestCertificates.clientTrustingCa())
                .version(HttpClient.Version.HTTP_1_1).connectTimeout(WAIT).build();
    }

    static HttpResponse<String> get(HttpClient client, String url) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesAFileOverHttpsWithAPemCertificateAndKey() throws Exception {
        Files.writeString(root.resolve("a.txt"), "over TLS\n");
        HttpServerCommand command = CommandLine.populateCommand(new HttpServerCommand(), "--port", "0",
                "--root", root.toString(),
                "--tls-cert", TestCertificates.path("server.pem").toString(),
                "--tls-key", TestCertificates.path("server-key.pem").toString());
        try (ServedCommand served = ServedCommand.start(command::serve)) {
            HttpResponse<String> response = get(clientTrustingTheTestCa(),
                    "https://localhost:" + served.port() + "/a.txt");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("over TLS\n");
            assertThat(response.sslSession().orElseThrow().getPeerPrincipal().getName()).isEqualTo("CN=localhost");
        }
    }

    @Test
    void answersPipelinedRequestsOnOneTlsConnectionAndClosesItWithCloseNotify() throws Exception {
        Files.writeString(root.resolve("a.txt"), "first\n");
        Files.writeString(root.resolve("b.txt"), "second\n");
        HttpServerCommand command = CommandLine.populateCommand(new HttpServerCommand(), "--port", "0",
                "--root", root.toString(),
                "--tls-cert", TestCertificates.path("server.pem").toString(),
                "--tls-key", TestCertificates.path("server-key.pem").toString());
        try (ServedCommand served = ServedCommand.start(command::serve);
             SSLSocket socket = (SSLSocket) TestCertificates.clientTrustingCa().getSocketFactory()
                     .createSocket("127.0.0.1", served.port())) {
            socket.setSoTimeout((int) WAIT.toMillis());
            socket.getOutputStream().write(("GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /b.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(ISO_8859_1));
            // The JDK's socket reads a clean end of stream only after the server's close_notify.
            String responses = new String(socket.getInputStream().readAllBytes(), ISO_8859_1);
            assertThat(responses).startsWith("HTTP/1.1 200 OK\r\n").contains("\r\n\r\nfirst\nHTTP/1.1 200 OK\r\n")
                    .endsWith("\r\n\r\nsecond\n");
        }
    }

    @Test
    void servesHttpsFromAPkcs12KeyStore() throws Exception {
        Files.writeString(root.resolve("a.txt"), "from a key store\n");
        HttpServerCommand command = CommandLine.populateCommand(new HttpServerCommand(), "--port", "0",
                "--root", root.toString(),
                "--tls-keystore", TestCertificates.path("server.p12").toString(),
                "--tls-keystore-password", TestCertificates.KEY_STORE_PASSWORD);
        try (ServedCommand served = ServedCommand.start(command::serve)) {
            HttpResponse<String> response = get(clientTrustingTheTestCa(),
                    "https://localhost:" + served.port() + "/a.txt");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("from a key store\n");
        }
    }
}
