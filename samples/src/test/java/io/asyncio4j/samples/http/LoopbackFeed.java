package io.asyncio4j.samples.http;

import io.asyncio4j.Connection;
import io.asyncio4j.Server;
import io.asyncio4j.nio.EventLoop;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Feeds bytes to a server-side {@link Connection} over a real loopback socket: a plain client socket writes them in
 * the given segments (TCP may still merge them) and half-closes, while a reader under test consumes the accepted
 * connection. One listener serves every feed; each feed has its own connection. Register it as a static
 * {@code @RegisterExtension} field: it closes its listener after the class's tests.
 */
final class LoopbackFeed implements AutoCloseable, AfterAllCallback {

    private static final long WAIT_SECONDS = 30;

    private final BlockingQueue<Connection> accepted = new LinkedBlockingQueue<>();
    private final Server server;

    LoopbackFeed() {
        server = EventLoop.defaultLoop().listen("127.0.0.1", 0, conn -> {
            accepted.add(conn);
            return conn.closed();
        }).join();
    }

    /** What the reader made of the bytes: its value, or the cause it failed with. */
    record Outcome<T>(T value, Throwable failure) {
    }

    /**
     * Sends {@code data} cut into {@code segments} (cycled; none: one write), then the end of the stream, and
     * returns the outcome of {@code reader} on the server side of the connection.
     */
    <T> Outcome<T> feed(byte[] data, int[] segments, Function<Connection, ? extends CompletionStage<T>> reader)
            throws IOException, InterruptedException {
        try (Socket client = new Socket()) {
            client.setTcpNoDelay(true);
            client.connect(new InetSocketAddress("127.0.0.1", server.port()));
            Connection conn = take(client.getLocalPort());
            try {
                OutputStream out = client.getOutputStream();
                for (int pos = 0, i = 0; pos < data.length; i++) {
                    int n = segments.length == 0 ? data.length - pos
                            : Math.min(segments[i % segments.length], data.length - pos);
                    out.write(data, pos, n);
                    out.flush();
                    pos += n;
                }
                client.shutdownOutput();
                try {
                    return new Outcome<>(reader.apply(conn).toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS),
                            null);
                } catch (ExecutionException e) {
                    return new Outcome<>(null, Failures.unwrap(e));
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new AssertionError("the reader did not finish within " + WAIT_SECONDS + " s", e);
                }
            } finally {
                conn.abort();
            }
        }
    }

    /** The accepted connection whose peer is the client's local port (a stale one from a failed feed is dropped). */
    private Connection take(int clientPort) throws InterruptedException {
        while (true) {
            Connection c = accepted.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            if (c == null) {
                throw new AssertionError("no connection accepted within " + WAIT_SECONDS + " s");
            }
            if (((InetSocketAddress) c.remoteAddress()).getPort() == clientPort) {
                return c;
            }
            c.abort();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    @Override
    public void close() {
        server.close();
    }
}
