package io.asyncio4j.nio;

import io.asyncio4j.ConnectionOptions;
import io.asyncio4j.Server;
import io.asyncio4j.ServerOptions;
import io.asyncio4j.TlsOptions;
import io.asyncio4j.tls.TestCertificates;
import io.asyncio4j.combinators.AsyncTimer;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The conformance kit of TLS: each connection is accepted by a TLS server of the kit's loop on port 0 (the
 * connection under test is the server side of a {@link TlsTransport} over a NIO.2 socket), and its peer is the
 * JDK's {@link SSLSocket} over a plain socket, TLS 1.3 by default or the version the kit is made with.
 */
final class TlsKit implements TransportKit {

    private final String protocol;
    private EventLoop loop;
    private SSLContext clientContext;
    /** One server per options object, as in {@link NioSocketKit}. */
    private final Map<ConnectionOptions, Server> servers = new IdentityHashMap<>();
    private final BlockingQueue<Accepted> accepted = new LinkedBlockingQueue<>();

    private record Accepted(StreamConnection connection, CompletableFuture<Void> release) {
    }

    TlsKit() {
        this("TLSv1.3");
    }

    TlsKit(String protocol) {
        this.protocol = protocol;
    }

    @Override
    public void start() throws Exception {
        clientContext = TestCertificates.clientTrustingCa();
        loop = EventLoop.builder().name("tls-kit").ioThreads(2).threadStackSize(256 * 1024).build();
        LoopFixture.startWorkers(loop, 2); // before any test counts threads
    }

    @Override
    public void stop() {
        servers.values().forEach(Server::close);
        servers.clear();
        loop.close();
    }

    @Override
    public Pair open(ConnectionOptions options) throws Exception {
        Server server = servers.computeIfAbsent(options, o -> LoopFixture.listen(loop, c -> {
            CompletableFuture<Void> release = new CompletableFuture<>();
            accepted.add(new Accepted((StreamConnection) c, release));
            return release;
        }, ServerOptions.defaults().withConnectionOptions(o.withTls(serverOptions()))));
        Socket raw = new Socket();
        if (options.sendBufferSize() > 0) {
            raw.setReceiveBufferSize(options.sendBufferSize()); // before connecting: it sets the TCP window
        }
        raw.connect(new InetSocketAddress("127.0.0.1", server.port()));
        SSLSocket tls = (SSLSocket) clientContext.getSocketFactory().createSocket(raw, "localhost", server.port(), true);
        tls.setEnabledProtocols(new String[] {protocol});
        SocketPeer peer = new SocketPeer(tls, raw);
        tls.startHandshake();
        Accepted a = accepted.poll(LoopFixture.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (a == null) {
            raw.close();
            throw new AssertionError("no TLS connection accepted within " + LoopFixture.WAIT);
        }
        return new Pair(a.connection(), peer, () -> a.release().complete(null));
    }

    private TlsOptions serverOptions() {
        try {
            return TlsOptions.server(TestCertificates.serverContext()).withProtocols(protocol);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public AsyncTimer timer() {
        return loop.timer();
    }
}
