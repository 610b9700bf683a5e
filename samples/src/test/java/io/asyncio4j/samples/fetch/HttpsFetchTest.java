package io.asyncio4j.samples.fetch;

import io.asyncio4j.TlsOptions;
import io.asyncio4j.nio.EventLoop;
import io.asyncio4j.samples.httpserver.StaticFileServer;
import io.asyncio4j.tls.TestCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code fetch} with {@code https} URLs: {@code --cacert}, {@code --insecure}, and a refused certificate per line. */
class HttpsFetchTest {

    @TempDir
    Path root;

    private final List<StaticFileServer> servers = new ArrayList<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @AfterEach
    void stop() {
        for (StaticFileServer server : servers) {
            server.server().closeGracefully(Duration.ofSeconds(2)).join();
        }
    }

    /** The sample file server over TLS with the fixture certificate {@code name}; returns its URL for a.txt. */
    String httpsServer(String name) throws IOException {
        Files.writeString(root.resolve("a.txt"), "file body\n");
        StaticFileServer server = StaticFileServer.start(EventLoop.defaultLoop(), "127.0.0.1", 0, root,
                StaticFileServer.Settings.defaults().withTls(TlsOptions.server(TestCertificates.serverContext(name))));
        servers.add(server);
        return "https://localhost:" + server.server().port() + "/a.txt";
    }

    int run(String... args) {
        FetchCommand command = CommandLine.populateCommand(new FetchCommand(), args);
        return command.run(new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8));
    }

    List<String> lines() {
        return out.toString(UTF_8).lines().toList();
    }

    @Test
    void fetchesHttpsUrlsFromAServerTheCacertVouchesFor() throws IOException {
        String url = httpsServer("server");
        String cacert = TestCertificates.path("ca.pem").toString();
        assertThat(run("--cacert", cacert, url, url.replace("localhost", "127.0.0.1"))).isZero();
        assertThat(lines()).hasSize(3);
        assertThat(lines().subList(0, 2)).anySatisfy(l -> assertThat(l).matches("200 10 \\d+ " + url))
                .anySatisfy(l -> assertThat(l).matches("200 10 \\d+ https://127\\.0\\.0\\.1:\\d+/a\\.txt"));
        assertThat(lines().get(2)).matches("fetched 2 urls: 2 ok, 0 failed in \\d+ ms");
        assertThat(err.toString(UTF_8)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "wrong-host  | TLS: the certificate of wrong.example does not match localhost",
        "self-signed | TLS: certificate not trusted: the certificate of localhost, 127.0.0.1 is self-signed",
        "expired     | TLS: the certificate of localhost, 127.0.0.1, ::1 expired on 2020-01-02T00:00:00Z"})
    void aRefusedCertificateIsAnErrorLineWhileTheOtherUrlsAreFetched(String certificate, String reason)
            throws IOException {
        String good = httpsServer("server");
        String bad = httpsServer(certificate);
        assertThat(run("--cacert", TestCertificates.path("ca.pem").toString(), good, bad)).isEqualTo(1);
        assertThat(lines()).hasSize(3);
        assertThat(lines().subList(0, 2)).anySatisfy(l -> assertThat(l).matches("200 10 \\d+ " + good))
                .anySatisfy(l -> assertThat(l).isEqualTo("ERROR " + reason + " " + bad));
        assertThat(lines().get(2)).matches("fetched 2 urls: 1 ok, 1 failed in \\d+ ms");
    }

    @Test
    void insecureWarnsOnceAndFetchesFromServersOfAnyCertificate() throws IOException {
        String wrongHost = httpsServer("wrong-host");
        String selfSigned = httpsServer("self-signed");
        assertThat(run("--insecure", wrongHost, selfSigned)).isZero();
        assertThat(err.toString(UTF_8)).isEqualTo("fetch: warning: --insecure: the server's certificate and host name"
                + " are not checked" + System.lineSeparator());
        assertThat(lines().get(2)).matches("fetched 2 urls: 2 ok, 0 failed in \\d+ ms");
    }
}
