package io.asyncio4j.samples.clock;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.Connection;
import io.asyncio4j.Server;
import io.asyncio4j.combinators.Async;
import io.asyncio4j.nio.EventLoop;
import io.asyncio4j.samples.time.Ctime;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static java.nio.charset.StandardCharsets.US_ASCII;

/**
 * A clock server: every connected client is sent the time (ctime form plus CRLF) once per interval until it
 * disconnects.
 *
 * <p>Each client has its own ticker, as an asyncio handler running {@code while True: write(); await sleep()}.
 * A ticker never waits for its client: when more than {@link #MAX_BEHIND_BYTES} of output are still queued for
 * a client that stopped reading, that tick is skipped for it (a clock never sends stale times), so its queued
 * output stays bounded and no other client is delayed. Such a client stays connected and gets the current time
 * again once it reads.
 */
public final class ClockServer {

    /** Queued output above which a client's tick is skipped: about 40 lines. */
    public static final long MAX_BEHIND_BYTES = 1024;

    private final Server server;
    private final CompletableFuture<Void> stopping;

    private ClockServer(Server server, CompletableFuture<Void> stopping) {
        this.server = server;
        this.stopping = stopping;
    }

    /**
     * Starts listening.
     *
     * @param loop     the loop to serve on
     * @param host     the address to bind
     * @param port     the port, 0 for any
     * @param interval the time between two lines to a client, positive
     * @param clock    the time to send, in its zone ({@link Clock#systemDefaultZone()} for local time)
     * @param out      where the connection lines go
     * @return the running clock server
     * @throws IllegalArgumentException if {@code interval} is not positive
     */
    public static ClockServer start(EventLoop loop, String host, int port, Duration interval, Clock clock,
                                    PrintStream out) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive: " + interval);
        }
        CompletableFuture<Void> stopping = new CompletableFuture<>();
        Server server = loop.listen(host, port, conn -> {
            out.println("Got a connection from " + describe(conn.remoteAddress()));
            AsyncFuture<Void> ticking = tickEvery(loop, conn, interval, clock);
            return CompletableFuture.anyOf(untilEndOfStream(conn), stopping)
                    .whenComplete((done, failure) -> ticking.cancel(true));   // then the server closes conn
        }).join();
        return new ClockServer(server, stopping);
    }

    /**
     * Returns the listening server.
     *
     * @return the server
     */
    public Server server() {
        return server;
    }

    /**
     * Stops every ticker; each client's connection is then flushed and closed. Call after closing the server.
     */
    public void stopClients() {
        stopping.complete(null);
    }

    /** Sends the time now, then at each multiple of {@code interval} from now, until cancelled or closed. */
    private static AsyncFuture<Void> tickEvery(EventLoop loop, Connection conn, Duration interval, Clock clock) {
        long start = loop.timer().nanoTime();
        long[] ticks = {0};
        return Async.whileTrue(() -> {
            if (!conn.isOpen()) {
                return AsyncFuture.completed(false);
            }
            if (conn.pendingOutputBytes() <= MAX_BEHIND_BYTES) {
                conn.write(Ctime.now(clock) + "\r\n", US_ASCII);   // a failure means closed: the reader sees it
            }
            long next = start + ++ticks[0] * interval.toNanos();      // fixed rate: no drift
            return loop.timer().sleep(Duration.ofNanos(Math.max(0, next - loop.timer().nanoTime())), true);
        });
    }

    /** Reads and drops whatever the client sends, until it closes; a reset counts as closed. */
    private static AsyncFuture<Void> untilEndOfStream(Connection conn) {
        return Async.whileTrue(() -> conn.read(1024).thenApply(ByteBuffer::hasRemaining))
                .exceptionally(failure -> null);
    }

    private static String describe(SocketAddress address) {
        InetSocketAddress ip = (InetSocketAddress) address;
        return ip.getAddress().getHostAddress() + ":" + ip.getPort();
    }
}
