package io.asyncio4j.samples.httpclient;

import io.asyncio4j.TlsOptions;
import io.asyncio4j.nio.EventLoop;
import io.asyncio4j.samples.JdkTlsServer;
import io.asyncio4j.samples.httpserver.StaticFileServer;
import io.asyncio4j.tls.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code http-client} over TLS: {@code https} URLs against the sample file server and against the JDK's TLS
 * socket, the certificate checks and their one-line errors, {@code --cacert}, {@code --insecure}, and how the end
 * of a response without {@code close_notify} is judged.
 */
class HttpsClientTest {

    private static final String NL = System.lineSeparator();

    @TempDir
    Path root;

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    /** Parses {@code args} as {@code http-client}'s command line and runs it. */
    int run(String... args) {
        HttpClientCommand command = CommandLine.populateCommand(new HttpClientCommand(), args);
        return command.run(new PrintStream(out, true, ISO_8859_1), new PrintStream(err, true, ISO_8859_1));
    }

    String stdout() {
        return out.toString(ISO_8859_1);
    }

    String stderr() {
        return err.toString(ISO_8859_1);
    }

    /** The sample file server over TLS, showing the fixture certificate {@code name}, with a fixed clock. */
    StaticFileServer httpsServer(String name) throws IOException {
        Files.writeString(root.resolve("a.txt"), "file body\n");
        Files.setLastModifiedTime(root.resolve("a.txt"), FileTime.from(Instant.parse("2026-10-31T12:00:00Z")));
        return StaticFileServer.start(EventLoop.defaultLoop(), "127.0.0.1", 0, root,
                StaticFileServer.Settings.defaults()
                        .withClock(Clock.fixed(Instant.parse("2026-11-01T23:02:00Z"), ZoneOffset.UTC))
                        .withTls(TlsOptions.server(TestCertificates.serverContext(name))));
    }

    static void stop(StaticFileServer server) {
        server.server().closeGracefully(Duration.ofSeconds(2)).join();
    }

    static String cacert() {
        return TestCertificates.path("ca.pem").toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "127.0.0.1"})
    void fetchesAFileOverHttpsFromAServerTheCacertVouchesFor(String host) throws IOException {
        StaticFileServer server = httpsServer("server");
        try {
            int code = run("--cacert", cacert(), "https://" + host + ":" + server.server().port() + "/a.txt");
            assertThat(stderr()).isEmpty();
            assertThat(code).isZero();
            assertThat(stdout()).isEqualTo("HTTP/1.1 200 OK\r\nDate: Sun, 01 Nov 2026 23:02:00 GMT\r\n"
                    + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: 10\r\n"
                    + "Last-Modified: Sat, 31 Oct 2026 12:00:00 GMT\r\nETag: W/\"6ae5d840.0-a\"\r\n"
                    + "Accept-Ranges: bytes\r\nConnection: close\r\n\r\nfile body\n");
        } finally {
            stop(server);
        }
    }

    @Test
    void aCertificateForAnotherHostIsAOneLineErrorNamingBoth() throws IOException {
        StaticFileServer server = httpsServer("wrong-host");
        try {
            String url = "https://localhost:" + server.server().port() + "/a.txt";
            assertThat(run("--cacert", cacert(), url)).isEqualTo(1);
            assertThat(stderr()).isEqualTo("http-client: TLS: the certificate of wrong.example does not match"
                    + " localhost (" + url + ")" + NL);
            assertThat(stdout()).isEmpty();
        } finally {
            stop(server);
        }
    }

    @Test
    void aSelfSignedCertificateIsAOneLineErrorSayingSo() throws IOException {
        StaticFileServer server = httpsServer("self-signed");
        try {
            String url = "https://localhost:" + server.server().port() + "/a.txt";
            assertThat(run("--cacert", cacert(), url)).isEqualTo(1);
            assertThat(stderr()).isEqualTo("http-client: TLS: certificate not trusted: the certificate of localhost,"
                    + " 127.0.0.1 is self-signed (" + url + ")" + NL);
        } finally {
            stop(server);
        }
    }

    @Test
    void anExpiredCertificateIsAOneLineErrorGivingTheDate() throws IOException {
        StaticFileServer server = httpsServer("expired");
        try {
            String url = "https://localhost:" + server.server().port() + "/a.txt";
            assertThat(run("--cacert", cacert(), url)).isEqualTo(1);
            assertThat(stderr()).isEqualTo("http-client: TLS: the certificate of localhost, 127.0.0.1, ::1 expired on"
                    + " 2020-01-02T00:00:00Z (" + url + ")" + NL);
        } finally {
            stop(server);
        }
    }

    @Test
    void withoutCacertTheSystemTrustStoreRefusesThePrivateCa() throws IOException {
        StaticFileServer server = httpsServer("server");
        try {
            String url = "https://localhost:" + server.server().port() + "/a.txt";
            assertThat(run(url)).isEqualTo(1);
            assertThat(stderr()).isEqualTo("http-client: TLS: certificate not trusted: the certificate of localhost,"
                    + " 127.0.0.1, ::1 is issued by CN=asyncio4j test CA, not a trusted authority (" + url + ")"
                    + NL);
        } finally {
            stop(server);
        }
    }

    @Test
    void insecureFetchesFromAServerOfAnotherNameAfterAWarning() throws IOException {
        StaticFileServer server = httpsServer("wrong-host");
        try {
            assertThat(run("--insecure", "https://localhost:" + server.server().port() + "/a.txt")).isZero();
            assertThat(stderr()).isEqualTo("http-client: warning: --insecure: the server's certificate and host name"
                    + " are not checked" + NL);
            assertThat(stdout()).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\nfile body\n");
        } finally {
            stop(server);
        }
    }

    @Test
    void anHttpsUrlToAPlainHttpServerIsAOneLineError() throws IOException {
        Files.writeString(root.resolve("a.txt"), "file body\n");
        StaticFileServer server = StaticFileServer.start(EventLoop.defaultLoop(), "127.0.0.1", 0, root,
                StaticFileServer.Settings.defaults());
        try {
            String url = "https://localhost:" + server.server().port() + "/a.txt";
            assertThat(run("--cacert", cacert(), url)).isEqualTo(1);
            assertThat(stderr()).isEqualTo("http-client: TLS: the server does not speak TLS (is it a plain-text"
                    + " server?) (" + url + ")" + NL);
        } finally {
            stop(server);
        }
    }

    @Test
    void aCloseDelimitedBodyCutWithoutCloseNotifyIsReportedAsTruncated() throws Exception {
        try (JdkTlsServer server = new JdkTlsServer(TestCertificates.serverContext(), (tls, raw) -> {
            answer(tls, "HTTP/1.0 200 OK\r\n\r\nuntil the end");
            raw.close();                                       // FIN, no close_notify
        })) {
            String url = "https://localhost:" + server.port() + "/";
            assertThat(run("--cacert", cacert(), url)).isEqualTo(1);
            assertThat(stdout()).isEqualTo("HTTP/1.0 200 OK\r\n\r\nuntil the end");
            assertThat(stderr()).isEqualTo("http-client: TLS: the server closed the connection without close_notify,"
                    + " so what was read may be cut short (" + url + ")" + NL);
            server.done().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aCloseDelimitedBodyEndedWithCloseNotifyIsWhole() throws Exception {
        try (JdkTlsServer server = new JdkTlsServer(TestCertificates.serverContext(), (tls, raw) -> {
            answer(tls, "HTTP/1.0 200 OK\r\n\r\nuntil the end");
            tls.close();                                       // close_notify, then FIN
        })) {
            assertThat(run("--cacert", cacert(), "https://localhost:" + server.port() + "/")).isZero();
            assertThat(stdout()).isEqualTo("HTTP/1.0 200 OK\r\n\r\nuntil the end");
            assertThat(stderr()).isEmpty();
            server.done().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aLengthFramedBodyIsWholeWhetherOrNotCloseNotifyFollows() throws Exception {
        try (JdkTlsServer server = new JdkTlsServer(TestCertificates.serverContext(), (tls, raw) -> {
            answer(tls, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            raw.close();                                       // FIN, no close_notify
        })) {
            assertThat(run("--cacert", cacert(), "https://localhost:" + server.port() + "/")).isZero();
            assertThat(stdout()).isEqualTo("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            assertThat(stderr()).isEmpty();
            server.done().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void httpsUrlsDefaultToPort443() {
        assertThat(HttpClient.port(HttpClient.parse("https://example.com/"))).isEqualTo(443);
        assertThat(HttpClient.port(HttpClient.parse("HTTPS://example.com/"))).isEqualTo(443);
        assertThat(HttpClient.port(HttpClient.parse("http://example.com/"))).isEqualTo(80);
        assertThat(HttpClient.port(HttpClient.parse("https://example.com:8443/"))).isEqualTo(8443);
    }

    /** Reads the request head, then writes {@code response}. */
    private static void answer(SSLSocket tls, String response) throws IOException {
        InputStream in = tls.getInputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the request ended before its head did");
            }
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
        }
        OutputStream o = tls.getOutputStream();
        o.write(response.getBytes(ISO_8859_1));
        o.flush();
    }
}
