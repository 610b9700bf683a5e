package io.asyncio4j.nio;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.Connection;
import io.asyncio4j.ConnectionAbortedException;
import io.asyncio4j.ConnectionOptions;
import io.asyncio4j.Server;
import io.asyncio4j.ServerOptions;
import io.asyncio4j.combinators.Async;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.InterruptedByTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static io.asyncio4j.nio.LoopFixture.await;
import static io.asyncio4j.nio.LoopFixture.eventually;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Listeners: binding, the handler contract, limits, idle timeouts, closing, and many connections. */
class ServerTest {

    private static EventLoop loop;

    @BeforeAll
    static void startLoop() {
        loop = EventLoop.builder().name("server-test").ioThreads(2).build();
    }

    @AfterAll
    static void stopLoop() {
        loop.close();
    }

    private static AsyncFuture<Void> echo(Connection c) {
        return Async.whileTrue(() -> c.read(8192).thenCompose(b -> b.hasRemaining()
                ? c.write(b).thenApply(v -> true) : AsyncFuture.completed(false)));
    }

    private static String roundTrip(Connection c, String message) {
        await(c.write(message + "\n", US_ASCII));
        return await(c.readLine(1024, US_ASCII));
    }

    @Test
    void portZeroBindsAnEphemeralPortAndOneLoopServesManyListeners() {
        Server a = LoopFixture.listen(loop, ServerTest::echo);
        Server b = LoopFixture.listen(loop, ServerTest::echo);
        try {
            assertThat(a.port()).isPositive().isNotEqualTo(b.port());
            assertThat(((InetSocketAddress) a.address()).getPort()).isEqualTo(a.port());
            assertThat(roundTrip(LoopFixture.connect(loop, a), "to a")).isEqualTo("to a");
            assertThat(roundTrip(LoopFixture.connect(loop, b), "to b")).isEqualTo("to b");
        } finally {
            a.close();
            b.close();
        }
    }

    @Test
    void bindingAPortInUseFails() {
        Server a = LoopFixture.listen(loop, ServerTest::echo, ServerOptions.defaults().withReuseAddress(false));
        try {
            assertThatThrownBy(() -> await(loop.listen("127.0.0.1", a.port(), ServerTest::echo)))
                    .cause().isInstanceOf(java.net.BindException.class);
        } finally {
            a.close();
        }
    }

    @Test
    void reusePortLetsTwoListenersShareAPort() {
        ServerOptions reuse = ServerOptions.defaults().withReusePort(true);
        Server a = LoopFixture.listen(loop, ServerTest::echo, reuse);
        try {
            Server b = await(loop.listen("127.0.0.1", a.port(), ServerTest::echo, reuse));
            assertThat(b.port()).isEqualTo(a.port());
            b.close();
        } finally {
            a.close();
        }
    }

    @Test
    void handlerCompletionFlushesAndClosesTheConnection() throws Exception {
        Server s = LoopFixture.listen(loop, c -> {
            c.write("goodbye\r\n", US_ASCII);
            return null;
        });
        try (Socket peer = new Socket("127.0.0.1", s.port())) {
            assertThat(new String(peer.getInputStream().readAllBytes(), US_ASCII)).isEqualTo("goodbye\r\n");
            eventually("connection released", () -> s.activeConnections() == 0);
        } finally {
            s.close();
        }
    }

    @Test
    void failingHandlerAbortsItsConnectionAndTheServerKeepsServing() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Server s = LoopFixture.listen(loop, c -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("handler bug (expected by the test)");
            }
            return echo(c);
        });
        try (Socket first = new Socket("127.0.0.1", s.port())) {
            assertThat(first.getInputStream().read()).isEqualTo(-1);
            Connection second = LoopFixture.connect(loop, s);
            assertThat(roundTrip(second, "still serving")).isEqualTo("still serving");
            Server failing = LoopFixture.listen(loop, c -> AsyncFuture.failed(new IOException("failed stage")));
            try (Socket third = new Socket("127.0.0.1", failing.port())) {
                assertThat(third.getInputStream().read()).isEqualTo(-1);
            } finally {
                failing.close();
            }
        } finally {
            s.close();
        }
    }

    @Test
    void connectionsBeyondTheLimitAreClosedAtAcceptAndCounted() throws Exception {
        CompletableFuture<Void> release = new CompletableFuture<>();
        Server s = LoopFixture.listen(loop, c -> release, ServerOptions.defaults().withMaxConnections(2));
        try (Socket a = new Socket("127.0.0.1", s.port()); Socket b = new Socket("127.0.0.1", s.port())) {
            eventually("two connections served", () -> s.activeConnections() == 2);
            try (Socket c = new Socket("127.0.0.1", s.port())) {
                assertThat(c.getInputStream().read()).isEqualTo(-1);
            }
            assertThat(s.rejectedConnections()).isEqualTo(1);
            release.complete(null);
            eventually("connections released", () -> s.activeConnections() == 0);
            try (Socket d = new Socket("127.0.0.1", s.port())) {
                assertThat(d.getInputStream().read()).isEqualTo(-1);
            }
            assertThat(s.rejectedConnections()).isEqualTo(1);
        } finally {
            s.close();
        }
    }

    @Test
    void idleConnectionIsClosedAndItsPendingReadFailsWithTimeout() throws Exception {
        CompletableFuture<Throwable> readFailure = new CompletableFuture<>();
        ConnectionOptions idle = ConnectionOptions.defaults().withIdleTimeout(Duration.ofMillis(200));
        Server s = LoopFixture.listen(loop, c -> c.readLine(100).handle((line, e) -> {
            readFailure.complete(Async.unwrap(e));
            return null;
        }), ServerOptions.defaults().withConnectionOptions(idle));
        try (Socket peer = new Socket("127.0.0.1", s.port())) {
            assertThat(peer.getInputStream().read()).isEqualTo(-1);
            assertThat(await(readFailure)).isInstanceOf(InterruptedByTimeoutException.class);
        } finally {
            s.close();
        }
    }

    @Test
    void activityKeepsAConnectionFromGoingIdle() {
        ConnectionOptions idle = ConnectionOptions.defaults().withIdleTimeout(Duration.ofMillis(300));
        Server s = LoopFixture.listen(loop, ServerTest::echo, ServerOptions.defaults().withConnectionOptions(idle));
        try {
            Connection c = LoopFixture.connect(loop, s);
            long end = System.nanoTime() + Duration.ofMillis(1200).toNanos();
            int trips = 0;
            while (System.nanoTime() < end) {
                assertThat(roundTrip(c, "ping " + trips)).isEqualTo("ping " + trips);
                trips++;
                await(Async.sleep(Duration.ofMillis(50)));
            }
            assertThat(c.isOpen()).isTrue();
        } finally {
            s.close();
        }
    }

    @Test
    void closeStopsAcceptingButOpenConnectionsGoOn() {
        Server s = LoopFixture.listen(loop, ServerTest::echo);
        Connection open = LoopFixture.connect(loop, s);
        assertThat(roundTrip(open, "before")).isEqualTo("before");
        s.close();
        assertThatThrownBy(() -> await(loop.connect("127.0.0.1", s.port())))
                .cause().isInstanceOf(ConnectException.class);
        assertThat(roundTrip(open, "after close")).isEqualTo("after close");
        AsyncFuture<Void> closed = s.closed();
        assertThat(closed).isNotDone();
        await(open.close());
        await(closed);
        assertThat(s.activeConnections()).isZero();
    }

    @Test
    void gracefulCloseWaitsForHandlersThenAbortsTheRestAtTheDeadline() throws Exception {
        CompletableFuture<Void> quickDone = new CompletableFuture<>();
        ConcurrentLinkedQueue<Throwable> stuckFailures = new ConcurrentLinkedQueue<>();
        Server s = LoopFixture.listen(loop, c -> c.readLine(100, US_ASCII).thenCompose(cmd -> {
            if ("quick".equals(cmd)) {
                return c.write("done\n", US_ASCII).whenComplete((v, e) -> quickDone.complete(null));
            }
            // "stuck": waits for a line that never comes.
            return c.readLine(100).whenComplete((v, e) -> stuckFailures.add(Async.unwrap(e)))
                    .thenApply(line -> (Void) null);
        }));
        try (Socket quick = new Socket("127.0.0.1", s.port()); Socket stuck = new Socket("127.0.0.1", s.port())) {
            stuck.getOutputStream().write("stuck\n".getBytes(US_ASCII));
            eventually("both served", () -> s.activeConnections() == 2);
            AsyncFuture<Void> closing = s.closeGracefully(Duration.ofMillis(500));
            quick.getOutputStream().write("quick\n".getBytes(US_ASCII));
            InputStream in = quick.getInputStream();
            assertThat(new String(in.readAllBytes(), US_ASCII)).isEqualTo("done\n");
            await(closing);
            assertThat(s.activeConnections()).isZero();
            assertThat(stuck.getInputStream().read()).isEqualTo(-1);
            assertThat(stuckFailures).singleElement().isInstanceOf(ConnectionAbortedException.class);
        }
    }

    @Test
    void peerResetMidReadSurfacesAnIOException() throws Exception {
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        Server s = LoopFixture.listen(loop, c -> c.readExactly(100).handle((v, e) -> {
            failure.complete(Async.unwrap(e));
            return null;
        }));
        try {
            Socket peer = new Socket("127.0.0.1", s.port());
            peer.getOutputStream().write("partial".getBytes(US_ASCII));
            peer.setSoLinger(true, 0);
            peer.close();
            assertThat(await(failure)).isInstanceOf(IOException.class);
            eventually("the server released the connection", () -> s.activeConnections() == 0);
        } finally {
            s.close();
        }
    }

    /**
     * Connections waiting in the backlog are accepted without the I/O threads: the JDK runs an accept completion
     * that finds a connection waiting as a task queued behind every ready socket of the group (one per round), so a
     * busy server once took seconds to accept a burst. Here the loop's only I/O thread is held by a callback while
     * 20 clients connect; the accept thread, let go after that, must accept each and start its handler (whose
     * first step runs on the accept thread) before the I/O thread is free again.
     */
    @Test
    void aBurstOfConnectionsIsAcceptedAndHandledWhileTheIoThreadIsBusy() throws Exception {
        try (EventLoop one = EventLoop.builder().name("busy-io").ioThreads(1).build()) {
            CountDownLatch ioRelease = new CountDownLatch(1);
            CountDownLatch gateRelease = new CountDownLatch(1);
            CompletableFuture<String> ioHolder = new CompletableFuture<>();
            CompletableFuture<Void> gateEntered = new CompletableFuture<>();
            AtomicInteger handled = new AtomicInteger();
            List<String> handlerThreads = new CopyOnWriteArrayList<>();
            Server s = LoopFixture.listen(one, c -> {
                handlerThreads.add(Thread.currentThread().getName());
                switch (handled.incrementAndGet()) {
                    case 1: // the blocker: its read completes on the I/O thread, which it then holds
                        return c.read(1).thenAccept(b -> {
                            ioHolder.complete(Thread.currentThread().getName());
                            awaitQuietly(ioRelease);
                        });
                    case 2: // the gate: holds the accept thread until the burst waits in the backlog
                        gateEntered.complete(null);
                        awaitQuietly(gateRelease);
                        return null;
                    default:
                        return echo(c);
                }
            });
            List<Socket> clients = new ArrayList<>();
            try (Socket blocker = new Socket("127.0.0.1", s.port()); Socket gate = new Socket("127.0.0.1", s.port())) {
                await(gateEntered); // the accept thread has left the blocker's executor: its read completes on I/O
                blocker.getOutputStream().write('x');
                assertThat(await(ioHolder)).startsWith("busy-io-io-");
                for (int i = 0; i < 20; i++) {
                    clients.add(new Socket("127.0.0.1", s.port()));
                }
                gateRelease.countDown();
                eventually("22 connections handled while the I/O thread is held", () -> handled.get() == 22);
                ioRelease.countDown();
                for (Socket client : clients) {
                    client.setSoTimeout((int) LoopFixture.WAIT.toMillis());
                    client.getOutputStream().write("still served\n".getBytes(US_ASCII));
                    byte[] back = client.getInputStream().readNBytes("still served\n".length());
                    assertThat(new String(back, US_ASCII)).isEqualTo("still served\n");
                }
                assertThat(handlerThreads).hasSize(22).allMatch(name -> name.startsWith("busy-io-accept-"));
            } finally {
                gateRelease.countDown();
                ioRelease.countDown();
                for (Socket client : clients) {
                    client.close();
                }
                s.close();
            }
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void thousandConcurrentConnectionsThroughOneServer() {
        Server s = LoopFixture.listen(loop, ServerTest::echo);
        try {
            List<AsyncFuture<String>> replies = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                String msg = "client " + i;
                replies.add(loop.connect("127.0.0.1", s.port()).thenCompose(c -> c.write(msg + "\n", US_ASCII)
                        .thenCompose(v -> c.readLine(100, US_ASCII))
                        .thenCompose(line -> c.close().thenApply(v -> line))));
            }
            for (int i = 0; i < 1000; i++) {
                assertThat(await(replies.get(i))).isEqualTo("client " + i);
            }
            eventually("all released", () -> s.activeConnections() == 0);
        } finally {
            s.close();
        }
    }
}
