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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.asyncio4j.nio.LoopFixture.await;
import static io.asyncio4j.nio.PeerSide.onNewThread;
import static io.asyncio4j.nio.PeerSide.readLine;
import static io.asyncio4j.nio.PeerSide.readUntilClosed;
import static io.asyncio4j.nio.PeerSide.send;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * StartTLS ({@link Connection#startTls}): a plain connection upgraded in place, on the server side with the
 * ClientHello arriving in the same segment as the command before it, and on the client side after the server's
 * go-ahead; plaintext written before the upgrade goes first; the upgrade is refused while a read waits and on a TLS
 * connection; a failed or given-up upgrade aborts the connection; the session is reported once it is done.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsStartTlsTest {

    /** Longer than any wait of a test: what ends a handshake that has this timeout is not its timer. */
    private static final Duration NEVER = LoopFixture.WAIT.multipliedBy(4);

    private EventLoop loop;
    private SSLContext serverContext;
    private SSLContext clientContext;
    private final List<AutoCloseable> opened = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    void start() {
        loop = EventLoop.builder().name("tls-starttls").ioThreads(2).build();
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
    }

    @Test
    void aServerUpgradesWhenTheClientHelloArrivesInTheSameSegmentAsStartTls() throws Exception {
        CompletableFuture<Long> bufferedAtUpgrade = new CompletableFuture<>();
        Server s = plainServer(c -> c.readLine(100, US_ASCII).thenCompose(command -> {
            bufferedAtUpgrade.complete(((StreamConnection) c).bufferedInputBytes());
            return c.startTls(TlsOptions.server(serverContext));
        }).thenCompose(session -> echo(c)));
        CoalescingSocket raw = track(new CoalescingSocket());
        PeerSide.connect(raw, s.port());
        raw.sendWithNextWrite("STARTTLS\n".getBytes(US_ASCII));
        SSLSocket tls = jdkClient(raw, s.port()); // its ClientHello goes out in one write with STARTTLS
        send(tls, "over tls\n");
        assertThat(readLine(tls)).isEqualTo("over tls");
        assertThat(await(bufferedAtUpgrade)).as("bytes of the ClientHello received with STARTTLS").isPositive();
    }

    @Test
    void aClientUpgradesAfterTheServersGoAhead() throws Exception {
        ServerSocket listener = track(PeerSide.listener());
        CompletableFuture<String> peer = onNewThread("starttls-server", () -> {
            Socket plain = track(PeerSide.accept(listener));
            String command = readLine(plain);
            send(plain, "GO\n");
            SSLSocket tls = jdkServer(plain);
            send(tls, readLine(tls) + "\n");
            return command;
        });
        Connection c = plainClient(listener.getLocalPort());
        await(c.write("STARTTLS\n", US_ASCII));
        assertThat(await(c.readLine(100, US_ASCII))).isEqualTo("GO");
        await(c.startTls(client()));
        assertThat(roundTrip(c, "over tls")).isEqualTo("over tls");
        assertThat(await(peer)).isEqualTo("STARTTLS");
    }

    @Test
    void writesQueuedBeforeStartTlsGoOutInPlaintextFirst() throws Exception {
        byte[] plaintext = new byte[256 * 1024];
        for (int i = 0; i < plaintext.length; i++) {
            plaintext[i] = (byte) ('a' + i % 26);
        }
        ServerSocket listener = track(PeerSide.listener());
        CompletableFuture<byte[]> peer = onNewThread("starttls-server", () -> {
            Socket plain = track(PeerSide.accept(listener));
            byte[] before = plain.getInputStream().readNBytes(plaintext.length);
            SSLSocket tls = jdkServer(plain);
            send(tls, readLine(tls) + "\n");
            return before;
        });
        Connection c = plainClient(listener.getLocalPort());
        AsyncFuture<Void> written = c.write(plaintext);
        AsyncFuture<TlsSession> upgraded = c.startTls(client());
        await(upgraded);
        assertThat(written).isDone();
        assertThat(roundTrip(c, "after")).isEqualTo("after");
        assertThat(await(peer)).isEqualTo(plaintext);
    }

    @Test
    void startTlsIsRefusedWhileAReadIsPendingAndTheConnectionStaysUsable() {
        Server s = plainServer(this::echo);
        Connection c = plainClient(s.port());
        AsyncFuture<String> pending = c.readLine(100, US_ASCII);
        assertThatThrownBy(() -> await(c.startTls(client()))).cause().isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("read is pending");
        await(c.write("still plain\n", US_ASCII));
        assertThat(await(pending)).isEqualTo("still plain");
        assertThat(roundTrip(c, "and on")).isEqualTo("and on");
        assertThat(c.tls()).isEmpty();
    }

    @Test
    void startTlsIsRefusedOnATlsConnectionAndTheConnectionStaysUsable() {
        Server s = track(LoopFixture.listen(loop, this::echo, ServerOptions.defaults().withConnectionOptions(
                ConnectionOptions.defaults().withTls(TlsOptions.server(serverContext)))));
        Connection c = track(await(loop.connect("127.0.0.1", s.port(),
                ConnectionOptions.defaults().withTls(client()))));
        TlsSession session = c.tls().orElseThrow();
        assertThatThrownBy(() -> await(c.startTls(client()))).cause().isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already");
        assertThat(roundTrip(c, "still tls")).isEqualTo("still tls");
        assertThat(c.tls()).containsSame(session);
    }

    @Test
    void aFailedHandshakeAfterStartTlsAbortsTheConnection() throws Exception {
        SSLContext untrusted = TestCertificates.serverContext("self-signed");
        ServerSocket listener = track(PeerSide.listener());
        onNewThread("starttls-server", () -> {
            Socket plain = track(PeerSide.accept(listener));
            SSLSocket tls = (SSLSocket) untrusted.getSocketFactory().createSocket(plain, null, plain.getPort(), true);
            track(tls).setUseClientMode(false);
            tls.startHandshake(); // fails: the client refuses the certificate
            return null;
        });
        Connection c = plainClient(listener.getLocalPort());
        assertThatThrownBy(() -> await(c.startTls(client()))).cause().isInstanceOf(SSLHandshakeException.class);
        await(c.closed());
        assertThat(c.isOpen()).isFalse();
        assertThatThrownBy(() -> await(c.write("no", US_ASCII))).cause().isInstanceOf(IOException.class);
    }

    @Test
    void cancellingStartTlsAbortsTheConnection() throws Exception {
        ServerSocket listener = track(PeerSide.listener());
        Connection c = plainClient(listener.getLocalPort());
        Socket peer = track(PeerSide.accept(listener));
        AsyncFuture<TlsSession> upgrading = c.startTls(client().withHandshakeTimeout(NEVER));
        assertThat(peer.getInputStream().read()).as("the ClientHello: the handshake is under way").isNotEqualTo(-1);
        assertThat(upgrading.cancel(true)).isTrue();
        readUntilClosed(peer);
        await(c.closed());
        assertThat(c.isOpen()).isFalse();
    }

    @Test
    void tlsReportsTheSessionOnBothSidesOnceStartTlsIsDone() throws Exception {
        CompletableFuture<TlsSession> serverSession = new CompletableFuture<>();
        CompletableFuture<Boolean> serverPlainBefore = new CompletableFuture<>();
        Server s = plainServer(c -> c.readLine(100, US_ASCII).thenCompose(command -> {
            serverPlainBefore.complete(c.tls().isEmpty());
            return c.write("GO\n", US_ASCII);
        }).thenCompose(v -> c.startTls(TlsOptions.server(serverContext))).thenCompose(session -> {
            serverSession.complete(c.tls().orElse(null));
            return echo(c);
        }));
        Connection c = plainClient(s.port());
        assertThat(c.tls()).isEmpty();
        await(c.write("STARTTLS\n", US_ASCII));
        assertThat(await(c.readLine(100, US_ASCII))).isEqualTo("GO");
        TlsSession session = await(c.startTls(client()));
        assertThat(c.tls()).containsSame(session);
        assertThat(session.protocol()).isEqualTo("TLSv1.3");
        assertThat(session.serverName()).contains("localhost");
        assertThat(roundTrip(c, "over tls")).isEqualTo("over tls");
        assertThat(await(serverPlainBefore)).isTrue();
        assertThat(await(serverSession).serverName()).contains("localhost");
        assertThat(await(serverSession).cipherSuite()).isEqualTo(session.cipherSuite());
    }

    // ------------------------------------------------------------------------------------------ fixtures

    private TlsOptions client() {
        return TlsOptions.client(clientContext).withServerName("localhost");
    }

    private <T extends AutoCloseable> T track(T closeable) {
        opened.add(closeable);
        return closeable;
    }

    private Server track(Server s) {
        opened.add(s::close);
        return s;
    }

    private Connection track(Connection c) {
        opened.add(c::abort);
        return c;
    }

    private Server plainServer(ConnectionHandler handler) {
        return track(LoopFixture.listen(loop, handler));
    }

    private Connection plainClient(int port) {
        return track(await(loop.connect("127.0.0.1", port)));
    }

    private AsyncFuture<Void> echo(Connection c) {
        return Async.whileTrue(() -> c.read(8192).thenCompose(b -> b.hasRemaining()
                ? c.write(b).thenApply(v -> true) : AsyncFuture.completed(false)));
    }

    private static String roundTrip(Connection c, String line) {
        await(c.write(line + "\n", US_ASCII));
        return await(c.readLine(1024, US_ASCII));
    }

    /** The JDK's TLS client over the connected {@code raw}, its handshake done. */
    private SSLSocket jdkClient(Socket raw, int port) throws IOException {
        SSLSocket tls = (SSLSocket) clientContext.getSocketFactory().createSocket(raw, "localhost", port, true);
        track(tls).startHandshake();
        return tls;
    }

    /** The JDK's TLS server over the accepted {@code plain}, its handshake done. */
    private SSLSocket jdkServer(Socket plain) throws IOException {
        SSLSocket tls = (SSLSocket) serverContext.getSocketFactory().createSocket(plain, null, plain.getPort(), true);
        track(tls).setUseClientMode(false);
        tls.startHandshake();
        return tls;
    }

    /** A plain socket that can hold bytes back and send them in one write with the next bytes written to it. */
    private static final class CoalescingSocket extends Socket {
        private byte[] held;
        private OutputStream out;

        /** {@code bytes} go out with the next write, in the same write call, so in the same TCP segment. */
        synchronized void sendWithNextWrite(byte[] bytes) {
            held = bytes;
        }

        @Override
        public synchronized OutputStream getOutputStream() throws IOException {
            if (out == null) {
                OutputStream raw = super.getOutputStream();
                out = new OutputStream() {
                    @Override
                    public void write(int b) throws IOException {
                        write(new byte[] {(byte) b}, 0, 1);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        byte[] first;
                        synchronized (CoalescingSocket.this) {
                            first = held;
                            held = null;
                        }
                        if (first == null) {
                            raw.write(b, off, len);
                            return;
                        }
                        byte[] both = new byte[first.length + len];
                        System.arraycopy(first, 0, both, 0, first.length);
                        System.arraycopy(b, off, both, first.length, len);
                        raw.write(both);
                    }

                    @Override
                    public void flush() throws IOException {
                        raw.flush();
                    }
                };
            }
            return out;
        }
    }
}
