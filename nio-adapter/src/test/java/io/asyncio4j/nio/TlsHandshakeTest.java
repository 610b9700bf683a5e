package io.asyncio4j.nio;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.Connection;
import io.asyncio4j.ConnectionHandler;
import io.asyncio4j.ConnectionOptions;
import io.asyncio4j.Server;
import io.asyncio4j.ServerOptions;
import io.asyncio4j.TlsHandshakeTimeoutException;
import io.asyncio4j.TlsOptions;
import io.asyncio4j.TlsOptions.ClientAuth;
import io.asyncio4j.TlsSession;
import io.asyncio4j.combinators.Async;
import io.asyncio4j.tls.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.security.cert.CertPathBuilderException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static io.asyncio4j.nio.LoopFixture.await;
import static io.asyncio4j.nio.LoopFixture.eventually;
import static io.asyncio4j.nio.PeerSide.onNewThread;
import static io.asyncio4j.nio.PeerSide.readLine;
import static io.asyncio4j.nio.PeerSide.readUntilClosed;
import static io.asyncio4j.nio.PeerSide.send;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The TLS handshake over loopback: both versions with our client and server and with the JDK's own sockets on the
 * other side, what the session reports, ALPN and SNI, the certificate checks, client certificates, handshake
 * timeouts on both sides, a cancelled connect, the hellos a server refuses before its handler runs (plaintext,
 * SSLv2 and SSLv3 hellos, an oversize hello, a client's renegotiation), and a TLS 1.3 key update.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsHandshakeTest {

    /** The handshake timeout of the tests that wait for it. */
    private static final Duration SHORT = Duration.ofMillis(200);
    /** Ample for a handshake between a warm client and server on loopback. */
    private static final Duration WARM_HANDSHAKE = Duration.ofSeconds(1);
    /** Longer than any wait of a test: what ends a handshake that has this timeout is not its timer. */
    private static final Duration NEVER = LoopFixture.WAIT.multipliedBy(4);

    private EventLoop loop;
    private SSLContext serverContext;
    private SSLContext clientContext;
    /** How many times a server's handler has run in this test. */
    private final AtomicInteger handled = new AtomicInteger();
    /** The server sides whose handlers ran, in order. */
    private final BlockingQueue<Connection> accepted = new LinkedBlockingQueue<>();
    private final List<AutoCloseable> opened = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    void start() {
        loop = EventLoop.builder().name("tls-handshake").ioThreads(2).build();
        serverContext = TestCertificates.serverContext();
        clientContext = TestCertificates.clientTrustingCa();
    }

    @AfterAll
    void stop() {
        loop.close();
    }

    @AfterEach
    void closeOpened() {
        synchronized (opened) {
            for (AutoCloseable c : opened) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // already closed by the test
                }
            }
            opened.clear();
        }
        accepted.clear();
        handled.set(0);
    }

    // ------------------------------------------------------------------------------------------ versions

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void ourClientAndOurServerHandshakeOnTheVersionBothAllow(String version) throws Exception {
        Server s = echoServer(TlsOptions.server(serverContext).withProtocols(version));
        Connection c = connect(s.port(), client().withProtocols(version));
        assertThat(roundTrip(c, "hello")).isEqualTo("hello");
        assertThat(c.tls()).get().extracting(TlsSession::protocol).isEqualTo(version);
        assertThat(servedConnection().tls()).get().extracting(TlsSession::protocol).isEqualTo(version);
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void ourClientHandshakesWithTheJdksSslServerSocket(String version) throws Exception {
        SSLServerSocket listener = (SSLServerSocket) serverContext.getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        opened.add(listener);
        listener.setEnabledProtocols(new String[] {version});
        listener.setSoTimeout((int) LoopFixture.WAIT.toMillis());
        CompletableFuture<String> served = onNewThread("tls-handshake-peer", () -> {
            try (SSLSocket peer = (SSLSocket) listener.accept()) {
                peer.setSoTimeout((int) LoopFixture.WAIT.toMillis());
                send(peer, readLine(peer) + "\n");
                return peer.getSession().getProtocol();
            }
        });
        Connection c = connect(listener.getLocalPort(), client());
        assertThat(roundTrip(c, "hello")).isEqualTo("hello");
        assertThat(c.tls()).get().extracting(TlsSession::protocol).isEqualTo(version);
        assertThat(await(served)).isEqualTo(version);
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void theJdksSslSocketHandshakesWithOurServer(String version) throws Exception {
        Server s = echoServer(TlsOptions.server(serverContext));
        SSLSocket peer = jdkClient(s.port(), version);
        send(peer, "hello\n");
        assertThat(readLine(peer)).isEqualTo("hello");
        assertThat(peer.getSession().getProtocol()).isEqualTo(version);
        assertThat(servedConnection().tls()).get().extracting(TlsSession::protocol).isEqualTo(version);
    }

    // ------------------------------------------------------------------------------------------ the session

    @Test
    void theClientsSessionReportsProtocolCipherServerCertificateAlpnAndServerName() {
        Server s = echoServer(TlsOptions.server(serverContext).withApplicationProtocols("http/1.1"));
        Connection c = connect(s.port(), client().withApplicationProtocols("h2", "http/1.1"));
        TlsSession session = c.tls().orElseThrow();
        assertThat(session.protocol()).isEqualTo("TLSv1.3");
        assertThat(session.cipherSuite()).startsWith("TLS_").isEqualTo(session.sslSession().getCipherSuite());
        assertThat(leafSubject(session.peerCertificates())).isEqualTo("CN=localhost");
        assertThat(session.applicationProtocol()).contains("http/1.1");
        assertThat(session.serverName()).contains("localhost");
    }

    @Test
    void theServersSessionReportsTheNameAskedForTheAgreedAlpnAndNoClientCertificate() throws Exception {
        Server s = echoServer(TlsOptions.server(serverContext).withApplicationProtocols("h2", "http/1.1"));
        connect(s.port(), client().withApplicationProtocols("http/1.1"));
        TlsSession session = servedConnection().tls().orElseThrow();
        assertThat(session.protocol()).isEqualTo("TLSv1.3");
        assertThat(session.serverName()).contains("localhost");
        assertThat(session.applicationProtocol()).contains("http/1.1");
        assertThat(session.peerCertificates()).isEmpty();
        assertThat(leafSubject(session.localCertificates())).isEqualTo("CN=localhost");
    }

    @Test
    void aClientConnectingByHostNameSendsItAsTheServerName() throws Exception {
        Server s = server("localhost", TlsOptions.server(serverContext), this::echo);
        Connection c = await(loop.connect("localhost", s.port(),
                ConnectionOptions.defaults().withTls(TlsOptions.client(clientContext))));
        opened.add(c::abort);
        assertThat(roundTrip(c, "by name")).isEqualTo("by name");
        assertThat(servedConnection().tls().orElseThrow().serverName()).contains("localhost");
    }

    @Test
    void alpnWithNoProtocolInCommonIsRefused() {
        Server s = echoServer(TlsOptions.server(serverContext).withApplicationProtocols("http/1.1"));
        assertThatThrownBy(() -> await(connecting(s.port(), client().withApplicationProtocols("h2"))))
                .cause().isInstanceOf(SSLHandshakeException.class)
                .hasMessageContaining("no_application_protocol");
        assertThat(handled).hasValue(0);
    }

    @ParameterizedTest
    @CsvSource({"localhost, CN=localhost", "other.test, CN=other.test"})
    void theServerShowsTheCertificateOfTheNameTheClientAsksFor(String name, String subject) throws Exception {
        SSLContext other = TestCertificates.serverContext("other");
        Server s = echoServer(TlsOptions.server(serverContext)
                .withServerNameContexts(asked -> asked.equals("other.test") ? other : null));
        Connection c = connect(s.port(), TlsOptions.client(clientContext).withServerName(name));
        assertThat(leafSubject(c.tls().orElseThrow().peerCertificates())).isEqualTo(subject);
        assertThat(roundTrip(c, "hello " + name)).isEqualTo("hello " + name);
        assertThat(servedConnection().tls().orElseThrow().serverName()).contains(name);
    }

    // ------------------------------------------------------------------------------------------ certificates

    @Test
    void aCertificateForAnotherHostFailsConnectSayingTheNameDoesNotMatch() {
        Server s = echoServer(TlsOptions.server(TestCertificates.serverContext("wrong-host")));
        assertThatThrownBy(() -> await(connecting(s.port(), client())))
                .cause().isInstanceOf(SSLHandshakeException.class)
                .rootCause().isInstanceOf(CertificateException.class).hasMessageContaining("localhost");
        assertThat(handled).hasValue(0);
    }

    @Test
    void aSelfSignedCertificateFailsConnectSayingNoTrustedPathLeadsToIt() {
        Server s = echoServer(TlsOptions.server(TestCertificates.serverContext("self-signed")));
        assertThatThrownBy(() -> await(connecting(s.port(), client())))
                .cause().isInstanceOf(SSLHandshakeException.class)
                .rootCause().isInstanceOf(CertPathBuilderException.class)
                .hasMessageContaining("unable to find valid certification path");
        assertThat(handled).hasValue(0);
    }

    @Test
    void anExpiredCertificateFailsConnectSayingItHasExpired() {
        Server s = echoServer(TlsOptions.server(TestCertificates.serverContext("expired")));
        assertThatThrownBy(() -> await(connecting(s.port(), client())))
                .cause().isInstanceOf(SSLHandshakeException.class)
                .rootCause().isInstanceOf(CertificateExpiredException.class);
        assertThat(handled).hasValue(0);
    }

    @Test
    void skippingHostNameVerificationAcceptsACertificateForAnotherHostFromATrustedCa() {
        Server s = echoServer(TlsOptions.server(TestCertificates.serverContext("wrong-host")));
        Connection c = connect(s.port(), client().insecureSkipHostnameVerification());
        assertThat(leafSubject(c.tls().orElseThrow().peerCertificates())).isEqualTo("CN=wrong.example");
        assertThat(roundTrip(c, "insecure")).isEqualTo("insecure");
    }

    @Test
    void aRequiredClientCertificateIsCheckedAndReportedToTheServer() throws Exception {
        Server s = echoServer(TlsOptions.server(TestCertificates.serverContextTrustingCa())
                .withClientAuth(ClientAuth.REQUIRED));
        Connection c = connect(s.port(),
                TlsOptions.client(TestCertificates.clientWithCertificate()).withServerName("localhost"));
        assertThat(roundTrip(c, "with a certificate")).isEqualTo("with a certificate");
        assertThat(leafSubject(servedConnection().tls().orElseThrow().peerCertificates()))
                .isEqualTo("CN=asyncio4j test client");
    }

    /** On TLS 1.3 the client's handshake ends before the server checks its certificate: its first read fails. */
    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void aClientWithoutACertificateIsRefusedWhenOneIsRequired(String version) {
        Server s = echoServer(TlsOptions.server(TestCertificates.serverContextTrustingCa())
                .withClientAuth(ClientAuth.REQUIRED).withProtocols(version));
        AsyncFuture<byte[]> outcome = connecting(s.port(), client()).thenCompose(c -> {
            opened.add(c::abort);
            return c.readToEnd(100);
        });
        assertThatThrownBy(() -> await(outcome)).cause().isInstanceOf(SSLException.class)
                .hasMessageContaining("certificate");
        assertThat(handled).hasValue(0);
    }

    @Test
    void anOptionalClientCertificateMayBeLeftOut() throws Exception {
        Server s = echoServer(TlsOptions.server(TestCertificates.serverContextTrustingCa())
                .withClientAuth(ClientAuth.OPTIONAL));
        Connection c = connect(s.port(), client());
        assertThat(roundTrip(c, "without")).isEqualTo("without");
        assertThat(servedConnection().tls().orElseThrow().peerCertificates()).isEmpty();
    }

    @Test
    void anOptionalClientCertificateIsReportedWhenGiven() throws Exception {
        Server s = echoServer(TlsOptions.server(TestCertificates.serverContextTrustingCa())
                .withClientAuth(ClientAuth.OPTIONAL));
        Connection c = connect(s.port(),
                TlsOptions.client(TestCertificates.clientWithCertificate()).withServerName("localhost"));
        assertThat(roundTrip(c, "with")).isEqualTo("with");
        assertThat(leafSubject(servedConnection().tls().orElseThrow().peerCertificates()))
                .isEqualTo("CN=asyncio4j test client");
    }

    // ------------------------------------------------------------------------------------------ timeouts

    @Test
    void ourClientGivesUpOnASilentServerAtTheHandshakeTimeout() throws Exception {
        ServerSocket silent = plainListener();
        AsyncFuture<Connection> connecting = connecting(silent.getLocalPort(), client().withHandshakeTimeout(SHORT));
        Socket peer = accept(silent);
        assertThatThrownBy(() -> await(connecting)).cause().isInstanceOf(TlsHandshakeTimeoutException.class);
        assertThat(readUntilClosed(peer)).as("our hello, then the end").isNotEmpty();
    }

    @Test
    void ourServerClosesASilentClientAtTheHandshakeTimeoutWithoutRunningItsHandler() throws Exception {
        Server s = echoServer(TlsOptions.server(serverContext).withHandshakeTimeout(SHORT));
        Socket silent = plainSocket(s.port());
        readUntilClosed(silent);
        eventually("the server let go of the connection", () -> s.activeConnections() == 0);
        assertThat(handled).hasValue(0);
    }

    @Test
    void aServerAnsweringWithGarbageFailsTheHandshakeAtOnceNotAtTheTimeout() throws Exception {
        ServerSocket listener = plainListener();
        AsyncFuture<Connection> connecting = connecting(listener.getLocalPort(), client().withHandshakeTimeout(NEVER));
        Socket peer = accept(listener);
        assertThat(peer.getInputStream().read()).as("our hello").isNotEqualTo(-1);
        peer.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(US_ASCII));
        assertThatThrownBy(() -> await(connecting)).cause().isInstanceOf(SSLException.class)
                .isNotInstanceOf(TlsHandshakeTimeoutException.class);
    }

    /** The timeout leaves a warm server ample time to answer, so that the client has tasks before it passes. */
    @Test
    void aDelegatedTaskExecutorThatNeverRunsItsTasksEndsInTheHandshakeTimeout() {
        Server s = echoServer(TlsOptions.server(serverContext));
        assertThat(roundTrip(connect(s.port(), client()), "warm")).isEqualTo("warm");
        AtomicInteger tasksGiven = new AtomicInteger();
        AsyncFuture<Connection> connecting = connecting(s.port(), client().withHandshakeTimeout(WARM_HANDSHAKE)
                .withDelegatedTaskExecutor(task -> tasksGiven.incrementAndGet()));
        assertThatThrownBy(() -> await(connecting)).cause().isInstanceOf(TlsHandshakeTimeoutException.class);
        assertThat(tasksGiven).hasPositiveValue();
    }

    @Test
    void cancellingConnectDuringTheHandshakeClosesTheConnection() throws Exception {
        ServerSocket silent = plainListener();
        AsyncFuture<Connection> connecting = connecting(silent.getLocalPort(), client().withHandshakeTimeout(NEVER));
        Socket peer = accept(silent);
        assertThat(peer.getInputStream().read()).as("our hello: the handshake is under way").isNotEqualTo(-1);
        assertThat(connecting.cancel(true)).isTrue();
        readUntilClosed(peer);
        assertThat(connecting).isCancelled();
    }

    // ------------------------------------------------------------------------------------------ refused hellos

    @Test
    void plaintextHttpToTheTlsPortIsRefusedBeforeTheHandler() throws Exception {
        assertRefusedBeforeTheHandler("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(US_ASCII));
    }

    @Test
    void anSslv2FormatHelloIsRefusedBeforeTheHandler() throws Exception {
        ByteBuffer hello = ByteBuffer.allocate(2 + 46);
        hello.put((byte) 0x80).put((byte) 46);                  // two-byte SSLv2 header: length 46
        hello.put((byte) 1).putShort((short) 0x0301);           // CLIENT-HELLO, asking for TLS 1.0
        hello.putShort((short) 21).putShort((short) 0).putShort((short) 16); // cipher specs, session id, challenge
        for (int suite : new int[] {0x00002f, 0x000035, 0x00000a, 0x010080, 0x020080, 0x030080, 0x0700c0}) {
            hello.put((byte) (suite >> 16)).putShort((short) suite);
        }
        hello.put(new byte[16]);
        assertRefusedBeforeTheHandler(hello.array());
    }

    @Test
    void anSslv3HelloIsRefusedBeforeTheHandler() throws Exception {
        assertRefusedBeforeTheHandler(records(clientHello(0x0300, 0), 0x0300));
    }

    @Test
    void aClientHelloOf64KibIsRefusedBeforeTheHandler() throws Exception {
        byte[] hello = clientHello(0x0303, 64 * 1024);
        assertThat(hello).hasSize(64 * 1024);
        assertRefusedBeforeTheHandler(records(hello, 0x0301));
    }

    // ------------------------------------------------------------------------------------------ after the handshake

    @Test
    void aClientsRenegotiationOnTls12IsRefusedAndItsConnectionEnds() throws Exception {
        CompletableFuture<Throwable> serverSaw = new CompletableFuture<>();
        Server s = server(TlsOptions.server(serverContext).withProtocols("TLSv1.2"), c -> echo(c)
                .whenComplete((v, e) -> serverSaw.complete(e == null ? null : Async.unwrap(e))));
        SSLSocket peer = jdkClient(s.port(), "TLSv1.2");
        send(peer, "before\n");
        assertThat(readLine(peer)).isEqualTo("before");
        try {
            peer.startHandshake(); // the client's renegotiation: a new ClientHello on the established connection
            assertThat(peer.getInputStream().read()).isEqualTo(-1);
        } catch (SSLException | SocketException ended) {
            // the server's alert, or its close, reached the peer
        }
        assertThat(await(serverSaw)).isInstanceOf(SSLHandshakeException.class).hasMessageContaining("renegotiation");
        await(servedConnection().closed());
    }

    @Test
    void aTls13KeyUpdateIsAnsweredWhileOurApplicationReadsNothing() throws Exception {
        CompletableFuture<Void> resume = new CompletableFuture<>();
        Server s = server(TlsOptions.server(serverContext).withProtocols("TLSv1.3"), c -> c.readLine(100, US_ASCII)
                .thenCompose(ping -> c.write(ping + "\n", US_ASCII))
                .thenCompose(v -> AsyncFuture.of(resume)) // from here the application neither reads nor writes
                .thenCompose(v -> c.write("after\n", US_ASCII))
                .thenCompose(v -> c.readLine(100, US_ASCII))
                .thenCompose(more -> c.write(more + "\n", US_ASCII)));
        CountingSocket raw = new CountingSocket();
        SSLSocket peer = jdkClient(raw, s.port(), "TLSv1.3");
        send(peer, "ping\n");
        assertThat(readLine(peer)).as("the handshake's session tickets are read by now").isEqualTo("ping");
        CompletableFuture<String> nextLine = onNewThread("tls-handshake-peer", () -> readLine(peer));
        long before = raw.bytesRead();
        peer.startHandshake(); // on TLS 1.3: a KeyUpdate asking the server to update its keys too
        eventually("the server's KeyUpdate arrived", () -> raw.bytesRead() > before);
        send(peer, "more\n"); // under the peer's new keys
        resume.complete(null);
        assertThat(await(nextLine)).isEqualTo("after");
        assertThat(readLine(peer)).isEqualTo("more");
    }

    // ------------------------------------------------------------------------------------------ fixtures

    private TlsOptions client() {
        return TlsOptions.client(clientContext).withServerName("localhost");
    }

    private static ServerOptions tlsServerOptions(TlsOptions tls) {
        return ServerOptions.defaults().withConnectionOptions(ConnectionOptions.defaults().withTls(tls));
    }

    /** A TLS server on port 0 whose handler counts its runs, queues its connection, then runs {@code handler}. */
    private Server server(TlsOptions tls, ConnectionHandler handler) {
        return server("127.0.0.1", tls, handler);
    }

    private Server server(String host, TlsOptions tls, ConnectionHandler handler) {
        Server s = await(loop.listen(host, 0, c -> {
            handled.incrementAndGet();
            accepted.add(c);
            return handler.handle(c);
        }, tlsServerOptions(tls)));
        opened.add(s::close);
        return s;
    }

    private Server echoServer(TlsOptions tls) {
        return server(tls, this::echo);
    }

    private AsyncFuture<Void> echo(Connection c) {
        return Async.whileTrue(() -> c.read(8192).thenCompose(b -> b.hasRemaining()
                ? c.write(b).thenApply(v -> true) : AsyncFuture.completed(false)));
    }

    private AsyncFuture<Connection> connecting(int port, TlsOptions tls) {
        AsyncFuture<Connection> f = loop.connect("127.0.0.1", port, ConnectionOptions.defaults().withTls(tls));
        f.thenAccept(c -> opened.add(c::abort));
        return f;
    }

    private Connection connect(int port, TlsOptions tls) {
        return await(connecting(port, tls));
    }

    private Connection servedConnection() throws InterruptedException {
        Connection c = accepted.poll(LoopFixture.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(c).as("a connection served").isNotNull();
        return c;
    }

    private static String roundTrip(Connection c, String line) {
        await(c.write(line + "\n", US_ASCII));
        return await(c.readLine(1024, US_ASCII));
    }

    /** The subject of the first certificate of {@code chain}: the one for the name, before its issuers. */
    private static String leafSubject(List<Certificate> chain) {
        assertThat(chain).isNotEmpty();
        return ((X509Certificate) chain.get(0)).getSubjectX500Principal().getName();
    }

    private ServerSocket plainListener() throws IOException {
        ServerSocket listener = PeerSide.listener();
        opened.add(listener);
        return listener;
    }

    private Socket accept(ServerSocket listener) throws IOException {
        Socket s = PeerSide.accept(listener);
        opened.add(s);
        return s;
    }

    private Socket plainSocket(int port) throws IOException {
        Socket s = new Socket();
        opened.add(s);
        return PeerSide.connect(s, port);
    }

    private SSLSocket jdkClient(int port, String version) throws IOException {
        return jdkClient(new Socket(), port, version);
    }

    /** The JDK's TLS client over {@code raw}, its handshake done. */
    private SSLSocket jdkClient(Socket raw, int port, String version) throws IOException {
        opened.add(raw);
        PeerSide.connect(raw, port);
        SSLSocket tls = (SSLSocket) clientContext.getSocketFactory().createSocket(raw, "localhost", port, true);
        opened.add(tls);
        tls.setEnabledProtocols(new String[] {version});
        tls.startHandshake();
        return tls;
    }

    /**
     * Sends {@code hello} to a TLS server whose handshake timeout is beyond the test's waits, and checks that the
     * server closes the connection — so not by its timer — without running its handler, and lets go of it.
     */
    private void assertRefusedBeforeTheHandler(byte[] hello) throws IOException {
        Server s = echoServer(TlsOptions.server(serverContext).withHandshakeTimeout(NEVER));
        Socket peer = plainSocket(s.port());
        try {
            peer.getOutputStream().write(hello);
        } catch (SocketException refusedMidway) {
            // the server closed while the hello was still coming
        }
        readUntilClosed(peer);
        eventually("the server let go of the connection", () -> s.activeConnections() == 0);
        assertThat(handled).hasValue(0);
    }

    /**
     * A ClientHello handshake message offering {@code version}, padded with an unknown extension to {@code size}
     * bytes in all when {@code size} is not 0.
     */
    private static byte[] clientHello(int version, int size) {
        int[] suites = {0x1301, 0x1302, 0xc02f, 0xc030, 0x009c, 0x002f, 0x0035};
        int body = 2 + 32 + 1 + 2 + 2 * suites.length + 2 + 2;
        int padding = size == 0 ? 0 : size - 4 - body - 4;
        int extensions = size == 0 ? 0 : 4 + padding;
        ByteBuffer b = ByteBuffer.allocate(4 + body + extensions);
        b.put((byte) 1).put((byte) ((body + extensions) >> 16)).putShort((short) (body + extensions));
        b.putShort((short) version).put(new byte[32]).put((byte) 0);
        b.putShort((short) (2 * suites.length));
        for (int suite : suites) {
            b.putShort((short) suite);
        }
        b.put((byte) 1).put((byte) 0); // compression: null only
        b.putShort((short) extensions);
        if (size != 0) {
            b.putShort((short) 0xfe0f).putShort((short) padding).put(new byte[padding]);
        }
        return b.array();
    }

    /** {@code message} cut into handshake records of at most 2^14 bytes with {@code version} in their headers. */
    private static byte[] records(byte[] message, int version) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int at = 0; at < message.length; at += 16384) {
            int n = Math.min(16384, message.length - at);
            out.write(22);
            out.write(version >> 8);
            out.write(version);
            out.write(n >> 8);
            out.write(n);
            out.write(message, at, n);
        }
        return out.toByteArray();
    }

    /** A plain socket that counts the bytes read from it, to see a peer's records arrive that no reader asked for. */
    private static final class CountingSocket extends Socket {
        private final AtomicLong read = new AtomicLong();
        private InputStream in;

        long bytesRead() {
            return read.get();
        }

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (in == null) {
                in = new FilterInputStream(super.getInputStream()) {
                    @Override
                    public int read() throws IOException {
                        int b = super.read();
                        if (b >= 0) {
                            read.incrementAndGet();
                        }
                        return b;
                    }

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        int n = super.read(b, off, len);
                        if (n > 0) {
                            read.addAndGet(n);
                        }
                        return n;
                    }
                };
            }
            return in;
        }
    }
}
