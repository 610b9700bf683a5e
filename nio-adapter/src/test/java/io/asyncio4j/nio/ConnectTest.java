package io.asyncio4j.nio;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.Connection;
import io.asyncio4j.ConnectionOptions;
import io.asyncio4j.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Arrays;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static io.asyncio4j.nio.LoopFixture.await;
import static io.asyncio4j.nio.LoopFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConnectTest {

    private static EventLoop loop;
    /** Connections the counting server has open: a connect's socket, once closed, leaves it. */
    private static final AtomicInteger openAccepted = new AtomicInteger();
    private static Server countingServer;

    @BeforeAll
    static void startLoop() {
        loop = EventLoop.builder().name("connect-test").ioThreads(2).build();
        countingServer = LoopFixture.listen(loop, c -> {
            openAccepted.incrementAndGet();
            return c.readToEnd(1 << 16).handle((b, e) -> {
                openAccepted.decrementAndGet();
                return null;
            });
        });
    }

    @AfterAll
    static void stopLoop() {
        countingServer.close();
        loop.close();
    }

    private static int closedPort() throws Exception {
        try (ServerSocketChannel s = ServerSocketChannel.open()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return ((InetSocketAddress) s.getLocalAddress()).getPort();
        }
    }

    @Test
    void refusedConnectFailsWithConnectException() throws Exception {
        int port = closedPort();
        assertThatThrownBy(() -> await(loop.connect("127.0.0.1", port)))
                .isInstanceOf(CompletionException.class).cause().isInstanceOf(ConnectException.class);
    }

    @Test
    void connectToAListenerThatNeverAnswersTimesOut() throws Exception {
        // A listener whose accept queue is full: the kernel drops further SYNs, so a connect hangs.
        try (ServerSocketChannel full = ServerSocketChannel.open()) {
            full.bind(new InetSocketAddress("127.0.0.1", 0), 1);
            int port = ((InetSocketAddress) full.getLocalAddress()).getPort();
            ConnectionOptions quick = ConnectionOptions.defaults().withConnectTimeout(Duration.ofMillis(300));
            List<Connection> filling = new ArrayList<>();
            Throwable failure = null;
            for (int i = 0; i < 20 && failure == null; i++) {
                try {
                    filling.add(await(loop.connect("127.0.0.1", port, quick)));
                } catch (CompletionException e) {
                    failure = e.getCause();
                }
            }
            assertThat(failure).isInstanceOf(SocketTimeoutException.class)
                    .hasMessageContaining("timed out after 300 ms");
            filling.forEach(Connection::abort);
        }
    }

    @Test
    void cancellingAHangingConnectClosesItsSocket() throws Exception {
        try (ServerSocketChannel full = ServerSocketChannel.open()) {
            full.bind(new InetSocketAddress("127.0.0.1", 0), 1);
            int port = ((InetSocketAddress) full.getLocalAddress()).getPort();
            ConnectionOptions quick = ConnectionOptions.defaults().withConnectTimeout(Duration.ofMillis(300));
            List<Connection> filling = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                try {
                    filling.add(await(loop.connect("127.0.0.1", port, quick)));
                } catch (CompletionException e) {
                    break;
                }
            }
            int before = ResourceCounts.openFileDescriptors();
            AsyncFuture<Connection> hanging = loop.connect("127.0.0.1", port,
                    ConnectionOptions.defaults().withConnectTimeout(Duration.ZERO));
            assertThat(hanging.cancel(false)).isTrue();
            assertThatThrownBy(() -> await(hanging)).isInstanceOf(CancellationException.class);
            LoopFixture.eventually("socket of the cancelled connect closed",
                    () -> ResourceCounts.openFileDescriptors() <= before);
            filling.forEach(Connection::abort);
        }
    }

    @Test
    void connectResolvesHostNames() throws Exception {
        try (ServerSocketChannel s = ServerSocketChannel.open()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = ((InetSocketAddress) s.getLocalAddress()).getPort();
            Connection c = await(loop.connect("localhost", port));
            InetSocketAddress remote = (InetSocketAddress) c.remoteAddress();
            assertThat(remote.getPort()).isEqualTo(port);
            assertThat(remote.getAddress().isLoopbackAddress()).isTrue();
            c.abort();
        }
    }

    static Stream<Arguments> giveUpsOnEitherView() {
        return Arrays.stream(GiveUpMethod.values()).filter(m -> !m.overwrites())
                .flatMap(m -> Stream.of(Arguments.of(m, false), Arguments.of(m, true)));
    }

    /** Obtrude is left out: it overwrites a connection already delivered, which nobody could close then. */
    @ParameterizedTest(name = "{0} derived={1}")
    @MethodSource("giveUpsOnEitherView")
    void aConnectGivenUpClosesItsSocket(GiveUpMethod method, boolean derived) {
        AsyncFuture<Connection> f = loop.connect("127.0.0.1", countingServer.port());
        method.giveUpAndWait(derived ? f.thenApply(x -> x) : f);
        if (!f.isGivenUp()) {
            await(f.join().close()); // connected before the give-up: the connection is the caller's
            eventually("the connection closed", () -> openAccepted.get() == 0);
            return;
        }
        // Whatever the server accepted for this connect is closed by the client: it reads end of stream.
        eventually("the given-up connect's socket closed", () -> openAccepted.get() == 0);
    }
}
