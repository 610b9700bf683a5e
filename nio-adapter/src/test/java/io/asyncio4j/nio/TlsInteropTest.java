package io.asyncio4j.nio;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.Connection;
import io.asyncio4j.ConnectionHandler;
import io.asyncio4j.ConnectionOptions;
import io.asyncio4j.Server;
import io.asyncio4j.ServerOptions;
import io.asyncio4j.TlsOptions;
import io.asyncio4j.TlsSession;
import io.asyncio4j.combinators.Async;
import io.asyncio4j.tls.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.asyncio4j.nio.LoopFixture.await;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * TLS with peers from outside the JDK, in both roles and both versions: OpenSSL's {@code s_server} and
 * {@code s_client}, and Python's {@code ssl} module (the script {@code tls_peer.py} beside this class). Each
 * exchange checks the certificate and the host name, echoes a line, and ends with {@code close_notify} both ways
 * where the peer reports it. The tools come from {@code scripts/install-test-tools}: missing, the tests fail on CI
 * and are skipped elsewhere.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsInteropTest {

    private static final Pattern ACCEPT_PORT = Pattern.compile("ACCEPT .*:(\\d+)$");

    private EventLoop loop;
    private final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeAll
    void start() {
        loop = EventLoop.builder().name("tls-interop").ioThreads(2).build();
    }

    @AfterAll
    void stop() {
        loop.close();
    }

    @AfterEach
    void closeOpened() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
        opened.clear();
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void ourClientTalksToOpensslSServerAndClosesWithCloseNotify(String version) throws Exception {
        requireOpenssl();
        // -rev: each line comes back reversed; s_server prints the port it was given for port 0.
        PeerProcess server = peer("openssl", "s_server", "-accept", "127.0.0.1:0", "-naccept", "1", "-rev",
                "-cert", fixture("server.pem"), "-key", fixture("server-key.pem"), opensslFlag(version));
        Matcher accept = ACCEPT_PORT.matcher(server.awaitLine("its ACCEPT line", line -> line.startsWith("ACCEPT")));
        assertThat(accept.find()).as("s_server names its port").isTrue();
        Connection c = connect(Integer.parseInt(accept.group(1)));
        assertThat(roundTrip(c, "hello openssl")).isEqualTo("lssnepo olleh");
        assertThat(c.tls().orElseThrow().protocol()).isEqualTo(version);
        await(c.close());
        server.awaitLine("CONNECTION CLOSED"); // s_server read our close_notify, not a raw end
        assertThat(server.output()).contains("Protocol version: " + version);
        assertThat(server.awaitExit()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void opensslSClientTalksToOurServer(String version) throws Exception {
        requireOpenssl();
        CompletableFuture<TlsSession> served = new CompletableFuture<>();
        Server s = server(c -> {
            served.complete(c.tls().orElseThrow());
            return c.readLine(1024, US_ASCII).thenCompose(line -> c.write(line + "\n", US_ASCII));
        });
        // -quiet: no session dump, and standard input's end does not end the connection; our close does.
        PeerProcess client = peer("openssl", "s_client", "-connect", "127.0.0.1:" + s.port(),
                "-servername", "localhost", "-verify_hostname", "localhost", "-CAfile", fixture("ca.pem"),
                "-verify_return_error", "-quiet", opensslFlag(version));
        client.stdin().write("hello from openssl\n".getBytes(US_ASCII));
        client.stdin().flush();
        client.awaitLine("hello from openssl");
        assertThat(client.awaitExit()).isZero();
        TlsSession session = await(served);
        assertThat(session.protocol()).isEqualTo(version);
        assertThat(session.serverName()).contains("localhost");
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void ourClientTalksToPythonsSslServer(String version) throws Exception {
        requirePython();
        PeerProcess server = peer("python3", script(), "server", fixture("server.pem"), fixture("server-key.pem"),
                version);
        int port = Integer.parseInt(server.awaitLine("its port", line -> line.startsWith("PORT ")).substring(5));
        Connection c = connect(port);
        assertThat(roundTrip(c, "hello python")).isEqualTo("hello python");
        assertThat(c.tls().orElseThrow().protocol()).isEqualTo(version);
        await(c.shutdownOutput());
        assertThat(await(c.readToEnd(1024))).as("Python's close_notify: a clean end").isEmpty();
        server.awaitLine("CLEAN END");
        assertThat(server.output()).contains("PROTOCOL " + version);
        assertThat(server.awaitExit()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void pythonsSslClientTalksToOurServer(String version) throws Exception {
        requirePython();
        CompletableFuture<TlsSession> served = new CompletableFuture<>();
        Server s = server(c -> {
            served.complete(c.tls().orElseThrow());
            return echo(c); // until the client's close_notify; then the server's close sends ours
        });
        PeerProcess client = peer("python3", script(), "client", Integer.toString(s.port()), fixture("ca.pem"),
                version, "hello from python");
        client.awaitLine("ECHO hello from python");
        client.awaitLine("CLEAN END");
        assertThat(client.awaitExit()).isZero();
        assertThat(client.output()).contains("PROTOCOL " + version);
        assertThat(await(served).protocol()).isEqualTo(version);
    }

    // ------------------------------------------------------------------------------------------ fixtures

    private static void requireOpenssl() {
        PeerProcess.requireTool("openssl", "openssl", "version");
    }

    private static void requirePython() {
        PeerProcess.requireTool("python3 with its ssl module", "python3", "-c", "import ssl");
    }

    private static String opensslFlag(String version) {
        return version.equals("TLSv1.2") ? "-tls1_2" : "-tls1_3";
    }

    private static String fixture(String file) {
        return TestCertificates.path(file).toString();
    }

    private static String script() throws URISyntaxException {
        URL url = TlsInteropTest.class.getResource("tls_peer.py");
        assertThat(url).as("tls_peer.py on the test class path").isNotNull();
        return Path.of(url.toURI()).toString();
    }

    private PeerProcess peer(String... command) throws Exception {
        PeerProcess p = PeerProcess.start(command);
        opened.add(p);
        return p;
    }

    private Server server(ConnectionHandler handler) {
        Server s = LoopFixture.listen(loop, handler, ServerOptions.defaults().withConnectionOptions(
                ConnectionOptions.defaults().withTls(TlsOptions.server(TestCertificates.serverContext()))));
        opened.add(s::close);
        return s;
    }

    private Connection connect(int port) {
        Connection c = await(loop.connect("127.0.0.1", port, ConnectionOptions.defaults().withTls(
                TlsOptions.client(TestCertificates.clientTrustingCa()).withServerName("localhost"))));
        opened.add(c::abort);
        return c;
    }

    private static AsyncFuture<Void> echo(Connection c) {
        return Async.whileTrue(() -> c.read(8192).thenCompose(b -> b.hasRemaining()
                ? c.write(b).thenApply(v -> true) : AsyncFuture.completed(false)));
    }

    private static String roundTrip(Connection c, String line) {
        await(c.write(line + "\n", US_ASCII));
        return await(c.readLine(1024, US_ASCII));
    }
}
