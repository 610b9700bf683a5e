package io.asyncio4j.nio;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.Connection;
import io.asyncio4j.Server;
import io.asyncio4j.combinators.Async;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static io.asyncio4j.nio.LoopFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whole-connection lifecycles over the loop's own connect and accept: descriptors released, a long echo between two
 * connections on small stacks, and a closing loop releasing what it holds.
 */
class LifecycleTest {

    @Test
    void tenThousandConnectCloseCyclesLeakNoFileDescriptor() throws Exception {
        try (EventLoop loop = EventLoop.builder().name("fd-test").ioThreads(2).build()) {
            int cycles = 10_000;
            CountDownLatch serverSideClosed = new CountDownLatch(cycles);
            Server s = LoopFixture.listen(loop, c -> {
                c.closed().thenRun(serverSideClosed::countDown);
                return c.readToEnd(16);
            });
            // Warm up once so lazily opened descriptors (epoll, pipes, jars) are counted in the baseline.
            await(loop.connect("127.0.0.1", s.port()).thenCompose(Connection::close));
            int before = ResourceCounts.openFileDescriptors();
            int parallel = 16;
            List<AsyncFuture<Void>> lanes = new ArrayList<>();
            AtomicLong remaining = new AtomicLong(cycles - 1);
            for (int lane = 0; lane < parallel; lane++) {
                lanes.add(Async.whileTrue(() -> remaining.getAndDecrement() <= 0 ? AsyncFuture.completed(false)
                        : loop.connect("127.0.0.1", s.port())
                                .thenCompose(c -> c.write(new byte[] {1}).thenCompose(v -> c.close()))
                                .thenApply(v -> true)));
            }
            for (AsyncFuture<Void> lane : lanes) {
                await(lane);
            }
            assertThat(serverSideClosed.await(30, TimeUnit.SECONDS)).isTrue();
            s.close();
            await(s.closed());
            assertThat(ResourceCounts.openFileDescriptors()).isLessThanOrEqualTo(before);
        }
    }

    @Test
    void millionRoundTripEchoRunsOnSmallStacks() throws Exception {
        int roundTrips = 1_000_000;
        try (EventLoop loop = EventLoop.builder().name("small-stack").ioThreads(2).threadStackSize(256 * 1024)
                .build()) {
            Server s = LoopFixture.listen(loop, c -> Async.whileTrue(() -> c.read(4096)
                    .thenCompose(b -> b.hasRemaining() ? c.write(b).thenApply(v -> true)
                            : AsyncFuture.completed(false))));
            Connection client = LoopFixture.connect(loop, s);
            AtomicLong trips = new AtomicLong();
            AtomicReference<AsyncFuture<Void>> run = new AtomicReference<>();
            Thread starter = new Thread(null, () -> run.set(Async.whileTrue(() -> {
                if (trips.get() == roundTrips) {
                    return AsyncFuture.completed(false);
                }
                return client.write(new byte[] {(byte) trips.get()})
                        .thenCompose(v -> client.readExactly(1))
                        .thenApply(b -> {
                            if (b[0] != (byte) trips.get()) {
                                throw new AssertionError("echo out of order at " + trips.get());
                            }
                            trips.incrementAndGet();
                            return true;
                        });
            })), "small-stack-starter", 256 * 1024);
            starter.start();
            starter.join();
            CompletableFuture<Void> done = run.get();
            done.get(5, TimeUnit.MINUTES);
            assertThat(trips.get()).isEqualTo(roundTrips);
            await(client.close());
            s.close();
        }
    }

    @Test
    void closingTheLoopReleasesItsConnectionsAndServers() {
        EventLoop loop = EventLoop.builder().name("closing").ioThreads(1).build();
        CompletableFuture<Connection> accepted = new CompletableFuture<>();
        Server s = LoopFixture.listen(loop, c -> {
            accepted.complete(c);
            return c.readToEnd(10);
        });
        Connection client = LoopFixture.connect(loop, s);
        AsyncFuture<byte[]> pendingRead = client.readLine(10);
        Connection serverSide = await(accepted);
        loop.close();
        assertThat(loop.isClosed()).isTrue();
        await(client.closed());
        await(serverSide.closed());
        s.close();
        await(s.closed());
        assertThat(pendingRead).isCompletedExceptionally();
    }
}
