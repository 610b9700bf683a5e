package io.asyncio4j.nio;

import io.asyncio4j.ConnectionOptions;
import io.asyncio4j.Server;
import io.asyncio4j.ServerOptions;
import io.asyncio4j.combinators.AsyncTimer;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The conformance kit of the NIO.2 socket: each connection is accepted by a server of the kit's loop, on port 0,
 * and its peer is a plain {@link Socket} (a reset is SO_LINGER 0, then close).
 */
final class NioSocketKit implements TransportKit {

    private EventLoop loop;
    /** One server per options object: a test's connections, warm-up included, share one listening socket. */
    private final Map<ConnectionOptions, Server> servers = new IdentityHashMap<>();
    private final BlockingQueue<Accepted> accepted = new LinkedBlockingQueue<>();

    /** A connection the server handed over, and what keeps its handler, and so the connection, going. */
    private record Accepted(StreamConnection connection, CompletableFuture<Void> release) {
    }

    @Override
    public void start() {
        loop = EventLoop.builder().name("nio-kit").ioThreads(2).threadStackSize(256 * 1024).build();
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
        }, ServerOptions.defaults().withConnectionOptions(o)));
        Socket socket = new Socket();
        if (options.sendBufferSize() > 0) {
            socket.setReceiveBufferSize(options.sendBufferSize()); // before connecting: it sets the TCP window
        }
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()));
        Accepted a = accepted.poll(LoopFixture.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (a == null) {
            socket.close();
            throw new AssertionError("no connection accepted within " + LoopFixture.WAIT);
        }
        return new Pair(a.connection(), new SocketPeer(socket), () -> a.release().complete(null));
    }

    @Override
    public AsyncTimer timer() {
        return loop.timer();
    }
}
