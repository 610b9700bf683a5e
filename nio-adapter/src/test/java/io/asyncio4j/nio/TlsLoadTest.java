package io.asyncio4j.nio;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.Connection;
import io.asyncio4j.ConnectionOptions;
import io.asyncio4j.Server;
import io.asyncio4j.ServerOptions;
import io.asyncio4j.TlsOptions;
import io.asyncio4j.combinators.Async;
import io.asyncio4j.tls.TestCertificates;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static io.asyncio4j.nio.LoopFixture.await;
import static io.asyncio4j.nio.LoopFixture.eventually;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many TLS connections at once between our client and our server on one loop, and what they leave behind once
 * closed: descriptors, threads and timer tasks back to the baseline taken after one warm-up connection.
 */
class TlsLoadTest {

    private static final int CONNECTIONS = 1_000;
    /** Handshakes under way at once while the connections open; all stay open until every one has echoed. */
    private static final int OPENING_AT_ONCE = 64;
    /** A bound for the phases over all the connections: their handshakes take seconds of CPU. */
    private static final Duration LOAD_WAIT = Duration.ofMinutes(2);

    @Test
    void aThousandConcurrentTlsEchoesLeaveNoDescriptorThreadOrTimerTaskBehind() {
        try (EventLoop loop = EventLoop.builder().name("tls-load").ioThreads(2).build()) {
            LoopFixture.startWorkers(loop, 2); // before the threads are counted
            Server s = LoopFixture.listen(loop, TlsLoadTest::echo, ServerOptions.defaults().withConnectionOptions(
                    ConnectionOptions.defaults().withTls(TlsOptions.server(TestCertificates.serverContext()))));
            ConnectionOptions client = ConnectionOptions.defaults().withTls(
                    TlsOptions.client(TestCertificates.clientTrustingCa()).withServerName("localhost"));

            // Warm up once so that lazily opened descriptors and started threads are in the baseline.
            Connection first = await(loop.connect("127.0.0.1", s.port(), client));
            assertThat(roundTrip(first, "warm")).isEqualTo("warm");
            await(first.close());
            eventually("the warm-up connection released", () -> s.activeConnections() == 0);
            CompletableFuture<Void> timerRan = new CompletableFuture<>();
            loop.timer().schedule(Duration.ZERO, () -> timerRan.complete(null));
            await(timerRan);
            int fds = ResourceCounts.openFileDescriptors();
            int threads = Thread.activeCount();
            int timerTasks = loop.timer().pendingTasks();

            ConcurrentLinkedQueue<Connection> open = new ConcurrentLinkedQueue<>();
            AtomicInteger toOpen = new AtomicInteger(CONNECTIONS);
            List<AsyncFuture<Void>> lanes = new ArrayList<>();
            for (int lane = 0; lane < OPENING_AT_ONCE; lane++) {
                lanes.add(Async.whileTrue(() -> toOpen.getAndDecrement() <= 0 ? AsyncFuture.completed(false)
                        : loop.connect("127.0.0.1", s.port(), client).thenApply(c -> open.add(c))));
            }
            awaitLoad(Async.gather(lanes));
            assertThat(open).hasSize(CONNECTIONS);
            eventually("every connection served at once", () -> s.activeConnections() == CONNECTIONS);

            List<AsyncFuture<Boolean>> echoes = new ArrayList<>();
            int i = 0;
            for (Connection c : open) {
                String line = "connection " + i++;
                echoes.add(c.write(line + "\n", US_ASCII).thenCompose(v -> c.readLine(100, US_ASCII))
                        .thenApply(line::equals));
            }
            assertThat(awaitLoad(Async.gather(echoes))).hasSize(CONNECTIONS).containsOnly(true);

            awaitLoad(Async.gather(open.stream().map(Connection::close).toList()));
            eventually("every connection released by the server", () -> s.activeConnections() == 0);
            eventually("descriptors, threads and timer tasks back to the baseline",
                    () -> ResourceCounts.openFileDescriptors() <= fds && Thread.activeCount() <= threads
                            && loop.timer().pendingTasks() <= timerTasks);
            s.close();
        }
    }

    private static <T> T awaitLoad(CompletableFuture<T> f) {
        try {
            return f.get(LOAD_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new CompletionException(e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("not done within " + LOAD_WAIT + ": " + f, e);
        }
    }

    private static AsyncFuture<Void> echo(Connection c) {
        return Async.whileTrue(() -> c.read(1024).thenCompose(b -> b.hasRemaining()
                ? c.write(b).thenApply(v -> true) : AsyncFuture.completed(false)));
    }

    private static String roundTrip(Connection c, String line) {
        await(c.write(line + "\n", US_ASCII));
        return await(c.readLine(100, US_ASCII));
    }
}
