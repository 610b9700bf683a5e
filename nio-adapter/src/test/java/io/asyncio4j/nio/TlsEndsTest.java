package io.asyncio4j.nio;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.Connection;
import io.asyncio4j.ConnectionOptions;
import io.asyncio4j.Server;
import io.asyncio4j.ServerOptions;
import io.asyncio4j.TlsOptions;
import io.asyncio4j.TlsTruncationException;
import io.asyncio4j.tls.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.asyncio4j.nio.LoopFixture.await;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How a TLS stream ends: {@code close_notify} both ways, output shutdown with reading going on, a raw end without
 * {@code close_notify} (truncation, or a ragged end when allowed), an abort that sends nothing, and closes bounded by
 * their timeouts when the peer does not cooperate. The connection under test is a server's; its peer is the JDK's
 * {@link SSLSocket} over a plain socket the test can cut.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsEndsTest {

    private EventLoop loop;
    private SSLContext context;
    private SSLContext clientContext;
    private final BlockingQueue<Connection> accepted = new LinkedBlockingQueue<>();
    private final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        loop = EventLoop.builder().name("tls-ends").ioThreads(2).build();
        context = TestCertificates.serverContext();
        clientContext = TestCertificates.clientTrustingCa();
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
        accepted.clear();
    }

    /** A TLS server whose connections wait in {@link #accepted} until the test releases them by closing. */
    private Server server(TlsOptions tls) {
        Server s = LoopFixture.listen(loop, c -> {
            accepted.add(c);
            return c.closed();
        }, ServerOptions.defaults().withConnectionOptions(ConnectionOptions.defaults().withTls(tls)));
        opened.add(s::close);
        return s;
    }

    private Server server() {
        return server(TlsOptions.server(context));
    }

    /** A TLS 1.3 client of {@code server} over {@code raw}, its handshake done, and the server's side of it. */
    private SSLSocket client(Server server, Socket raw, String protocol) throws IOException {
        raw.connect(new InetSocketAddress("127.0.0.1", server.port()));
        raw.setSoTimeout((int) LoopFixture.WAIT.toMillis());
        raw.setTcpNoDelay(true);
        opened.add(raw);
        SSLSocket tls = (SSLSocket) clientContext.getSocketFactory().createSocket(raw, "localhost", server.port(), true);
        tls.setEnabledProtocols(new String[] {protocol});
        tls.startHandshake();
        return tls;
    }

    private Connection acceptedConnection() throws InterruptedException {
        Connection c = accepted.poll(LoopFixture.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(c).as("a connection accepted").isNotNull();
        opened.add(c::abort);
        return c;
    }

    private static void send(SSLSocket tls, String text) throws IOException {
        tls.getOutputStream().write(text.getBytes(US_ASCII));
        tls.getOutputStream().flush();
    }

    private static String text(ByteBuffer b) {
        return US_ASCII.decode(b).toString();
    }

    @Test
    void thePeersCloseNotifyIsACleanEndOfStream() throws Exception {
        Server s = server();
        SSLSocket peer = client(s, new Socket(), "TLSv1.3");
        Connection c = acceptedConnection();
        send(peer, "last words");
        peer.shutdownOutput();
        assertThat(new String(await(c.readToEnd(1024)), US_ASCII)).isEqualTo("last words");
    }

    @Test
    void aRawEndBetweenRecordsFailsTheReadWithATruncationAfterTheBytesBeforeIt() throws Exception {
        Server s = server();
        Socket raw = new Socket();
        SSLSocket peer = client(s, raw, "TLSv1.3");
        Connection c = acceptedConnection();
        send(peer, "data");
        assertThat(text(await(c.read(100)))).isEqualTo("data");
        raw.shutdownOutput(); // a FIN with no close_notify before it
        assertThatThrownBy(() -> await(c.read(100))).cause().isInstanceOf(TlsTruncationException.class)
                .hasMessageContaining("without TLS close_notify");
    }

    @Test
    void aRawEndInsideARecordIsATruncationEvenWhenRaggedEndsAreAllowed() throws Exception {
        Server s = server(TlsOptions.server(context).withRaggedEofAllowed(true));
        CuttingSocket raw = new CuttingSocket();
        SSLSocket peer = client(s, raw, "TLSv1.3");
        Connection c = acceptedConnection();
        raw.cutNextWriteAfter(10);
        send(peer, "a record that will not arrive whole");
        assertThatThrownBy(() -> await(c.readToEnd(1024))).cause().isInstanceOf(TlsTruncationException.class)
                .hasMessageContaining("middle of a TLS record");
    }

    @Test
    void aRaggedEndBetweenRecordsReadsAsTheEndWhenAllowed() throws Exception {
        Server s = server(TlsOptions.server(context).withRaggedEofAllowed(true));
        Socket raw = new Socket();
        SSLSocket peer = client(s, raw, "TLSv1.2");
        Connection c = acceptedConnection();
        send(peer, "framed by itself");
        raw.shutdownOutput();
        assertThat(new String(await(c.readToEnd(1024)), US_ASCII)).isEqualTo("framed by itself");
    }

    @Test
    void closeSendsCloseNotifyAfterTheOutputAndThePeerReadsACleanEnd() throws Exception {
        Server s = server();
        Connection client = await(loop.connect("localhost", s.port(),
                ConnectionOptions.defaults().withTls(TlsOptions.client(clientContext))));
        opened.add(client::abort);
        Connection c = acceptedConnection();
        c.write("goodbye", US_ASCII);
        await(c.close());
        assertThat(new String(await(client.readToEnd(1024)), US_ASCII)).isEqualTo("goodbye");
    }

    @Test
    void abortSendsNoCloseNotifySoThePeerSeesATruncation() throws Exception {
        Server s = server();
        Connection client = await(loop.connect("localhost", s.port(),
                ConnectionOptions.defaults().withTls(TlsOptions.client(clientContext))));
        opened.add(client::abort);
        Connection c = acceptedConnection();
        await(c.write("cut", US_ASCII));
        c.abort();
        assertThat(text(await(client.read(100)))).isEqualTo("cut");
        assertThatThrownBy(() -> await(client.read(100))).cause().isInstanceOf(IOException.class)
                .isNotInstanceOf(java.nio.channels.ClosedChannelException.class);
    }

    @Test
    void shutdownOutputSendsCloseNotifyAndReadingGoesOn() throws Exception {
        Server s = server();
        SSLSocket peer = client(s, new Socket(), "TLSv1.3");
        Connection c = acceptedConnection();
        await(c.write("half", US_ASCII));
        await(c.shutdownOutput());
        assertThat(new String(peer.getInputStream().readAllBytes(), US_ASCII)).isEqualTo("half");
        send(peer, "still talking\n");
        assertThat(await(c.readLine(100, US_ASCII))).isEqualTo("still talking");
        assertThatThrownBy(() -> await(c.write("no", US_ASCII))).cause()
                .isInstanceOf(java.nio.channels.ClosedChannelException.class);
    }

    @Test
    void aCloseAfterATls12EngineAnsweredThePeersCloseNotifyEndsAtOnce() throws Exception {
        // The flush timeout outlasts the wait below: a close that waited for it would fail the test.
        Server s = server(TlsOptions.server(context).withProtocols("TLSv1.2")
                .withCloseNotifyFlushTimeout(LoopFixture.WAIT.multipliedBy(2)));
        SSLSocket peer = client(s, new Socket(), "TLSv1.2");
        Connection c = acceptedConnection();
        peer.close(); // close_notify, which the engine answers with its own
        assertThat(await(c.readToEnd(100))).isEmpty();
        await(c.close());
        assertThat(c.isOpen()).isFalse();
    }

    @Test
    void theServersSessionTicketIsTakenWhileTheClientReadsNothing() throws Exception {
        Server s = server(); // a TLS 1.3 server sends its ticket once the handshake is done
        Connection client = await(loop.connect("localhost", s.port(),
                ConnectionOptions.defaults().withTls(TlsOptions.client(clientContext))));
        opened.add(client::abort);
        Connection c = acceptedConnection();
        await(client.write("never read a byte", US_ASCII));
        await(client.close()); // close_notify after the data, with the ticket taken by the layer, not the application
        assertThat(new String(await(c.readToEnd(1024)), US_ASCII)).isEqualTo("never read a byte");
        assertThat(client.tls().orElseThrow().protocol()).isEqualTo("TLSv1.3");
    }

    @Test
    void closeDoesNotWaitForThePeersCloseNotifyByDefault() throws Exception {
        Server s = server();
        SSLSocket peer = client(s, new Socket(), "TLSv1.2");
        Connection c = acceptedConnection();
        await(c.close()); // the peer neither reads nor answers
        assertThat(c.isOpen()).isFalse();
        assertThat(peer.isClosed()).isFalse();
    }

    @Test
    void aCloseThatWaitsForThePeersCloseNotifyEndsWhenItArrives() throws Exception {
        Server s = server(TlsOptions.server(context).withCloseNotifyReadTimeout(LoopFixture.WAIT.multipliedBy(2)));
        SSLSocket peer = client(s, new Socket(), "TLSv1.3");
        Connection c = acceptedConnection();
        AsyncFuture<Void> closed = c.close();
        assertThat(peer.getInputStream().read()).isEqualTo(-1); // our close_notify
        assertThat(closed).isNotDone();
        peer.shutdownOutput(); // the peer's close_notify
        await(closed);
    }

    @Test
    void aCloseThatWaitsForAPeerThatNeverAnswersEndsAtTheReadTimeout() throws Exception {
        Server s = server(TlsOptions.server(context).withCloseNotifyReadTimeout(Duration.ofMillis(100)));
        client(s, new Socket(), "TLSv1.3");
        Connection c = acceptedConnection();
        await(c.close());
        assertThat(c.isOpen()).isFalse();
    }

    /** A socket whose output can be cut in the middle of a write, then shut: a record that never arrives whole. */
    private static final class CuttingSocket extends Socket {
        private volatile int cutAfter = -1;
        private OutputStream out;

        void cutNextWriteAfter(int bytes) {
            cutAfter = bytes;
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
                        int cut = cutAfter;
                        if (cut < 0) {
                            raw.write(b, off, len);
                            return;
                        }
                        raw.write(b, off, Math.min(cut, len));
                        raw.flush();
                        shutdownOutput();
                    }
                };
            }
            return out;
        }
    }
}
