package io.asyncio4j.nio;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.Connection;
import io.asyncio4j.ConnectionAbortedException;
import io.asyncio4j.ConnectionOptions;
import io.asyncio4j.Server;
import io.asyncio4j.ServerOptions;
import io.asyncio4j.WriteQueueFullException;
import io.asyncio4j.combinators.Async;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import static io.asyncio4j.nio.LoopFixture.await;
import static io.asyncio4j.nio.LoopFixture.eventually;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The StreamWriter half: queueing, back-pressure, cancellation of writes, half-close, close and abort. */
class WritingTest {

    private static EventLoop loop;

    @BeforeAll
    static void startLoop() {
        loop = EventLoop.builder().name("writing-test").ioThreads(2).build();
    }

    @AfterAll
    static void stopLoop() {
        loop.close();
    }

    /** A server whose handler hands its connection to the test and keeps it open until released. */
    private static final class Held implements AutoCloseable {
        final CompletableFuture<Connection> accepted = new CompletableFuture<>();
        final CompletableFuture<Void> release = new CompletableFuture<>();
        final Server server;

        Held(ServerOptions options) {
            server = LoopFixture.listen(loop, c -> {
                accepted.complete(c);
                return release;
            }, options);
        }

        StreamConnection connection() {
            return (StreamConnection) await(accepted);
        }

        @Override
        public void close() {
            release.complete(null);
            server.close();
        }
    }

    private static byte[] pattern(int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }

    @Test
    void writesArriveInOrder() throws Exception {
        try (Held held = new Held(ServerOptions.defaults()); Socket peer = new Socket("127.0.0.1", held.server.port())) {
            Connection c = held.connection();
            List<AsyncFuture<Void>> writes = new ArrayList<>();
            StringBuilder expected = new StringBuilder();
            for (int i = 0; i < 1000; i++) {
                String s = i + ",";
                expected.append(s);
                writes.add(c.write(s, US_ASCII));
            }
            writes.add(c.write(ByteBuffer.allocate(0)));
            for (AsyncFuture<Void> w : writes) {
                await(w);
            }
            await(c.close());
            assertThat(new String(peer.getInputStream().readAllBytes(), US_ASCII)).isEqualTo(expected.toString());
        }
    }

    @Test
    void writeBeyondTheCapFailsFastAndTheConnectionKeepsWorking() throws Exception {
        ConnectionOptions small = ConnectionOptions.defaults().withWriteBuffer(1024, 64 * 1024);
        try (Held held = new Held(ServerOptions.defaults().withConnectionOptions(small));
             Socket peer = new Socket("127.0.0.1", held.server.port())) {
            Connection c = held.connection();
            byte[] chunk = pattern(16 * 1024);
            long accepted = 0;
            List<AsyncFuture<Void>> writes = new ArrayList<>();
            Throwable refusal = null;
            for (int i = 0; i < 10_000 && refusal == null; i++) {
                AsyncFuture<Void> w = c.write(chunk);
                if (w.isCompletedExceptionally()) {
                    refusal = w.handle((v, e) -> e).join();
                } else {
                    writes.add(w);
                    accepted += chunk.length;
                }
            }
            assertThat(refusal).isInstanceOfSatisfying(WriteQueueFullException.class, e -> {
                assertThat(e.cap()).isEqualTo(64 * 1024);
                assertThat(e.queued()).isGreaterThanOrEqualTo(e.cap());
            });
            // Admitted while below the cap, so at most the cap plus one write: memory stays bounded.
            assertThat(c.pendingOutputBytes()).isLessThan(64 * 1024 + chunk.length);

            InputStream in = peer.getInputStream();
            byte[] got = in.readNBytes((int) accepted);
            assertThat(got.length).isEqualTo((int) accepted);
            for (AsyncFuture<Void> w : writes) {
                await(w);
            }
            await(c.write("after", US_ASCII));
            assertThat(new String(in.readNBytes(5), US_ASCII)).isEqualTo("after");
        }
    }

    @ParameterizedTest(name = "{0} MiB")
    @ValueSource(ints = {8, 64})
    void oneWriteLargerThanTheCapIsAdmittedWhenNothingIsQueuedAndEveryByteArrives(int mebibytes) throws Exception {
        try (Held held = new Held(ServerOptions.defaults());
             Socket peer = new Socket("127.0.0.1", held.server.port())) {
            Connection c = held.connection();
            byte[] big = pattern(mebibytes << 20);
            assertThat((long) big.length).isGreaterThan(ConnectionOptions.defaults().maxQueuedWriteBytes());

            AsyncFuture<Void> w = c.write(big);
            assertThat(w.isCompletedExceptionally()).as("the large write is admitted").isFalse();
            if (mebibytes == 64) {
                // Far more than the kernel's buffers take while nobody reads: the queue stays above the cap.
                AsyncFuture<Void> refused = c.write(new byte[1]);
                assertThatThrownBy(refused::join).hasCauseInstanceOf(WriteQueueFullException.class);
            }
            byte[] got = peer.getInputStream().readNBytes(big.length);
            await(w);
            assertThat(got).isEqualTo(big);
            await(c.drain());
            await(c.write("after", US_ASCII));
            assertThat(new String(peer.getInputStream().readNBytes(5), US_ASCII)).isEqualTo("after");
        }
    }

    @Test
    void drainWaitsForTheLowWatermarkAndAnyNumberMayWait() throws Exception {
        // More than the kernel's socket buffers hold, so most of it waits in the queue until the peer reads.
        int size = 32 * 1024 * 1024;
        ConnectionOptions big = ConnectionOptions.defaults().withWriteBuffer(1024, size);
        try (Held held = new Held(ServerOptions.defaults().withConnectionOptions(big));
             Socket peer = new Socket("127.0.0.1", held.server.port())) {
            Connection c = held.connection();
            c.write(pattern(size));
            AsyncFuture<Void> drain1 = c.drain();
            AsyncFuture<Void> drain2 = c.drain();
            assertThat(drain1).isNotDone();
            assertThat(drain2).isNotDone();
            byte[] got = peer.getInputStream().readNBytes(size);
            await(drain1);
            await(drain2);
            assertThat(got).isEqualTo(pattern(size));
            assertThat(c.pendingOutputBytes()).isZero();
            assertThat(c.drain()).isDone();
        }
    }

    @Test
    void drainOnAClosedConnectionFailsSoThatAWriteAndDrainLoopEnds() throws Exception {
        try (Held held = new Held(ServerOptions.defaults());
             Socket peer = new Socket("127.0.0.1", held.server.port())) {
            Connection c = held.connection();
            await(c.close());
            // Nothing is queued on a closed connection, so "room" alone would let this loop spin for ever (here it
            // would stop after 100 rounds, without a failure).
            AtomicLong rounds = new AtomicLong();
            AsyncFuture<Void> loop = Async.whileTrue(() -> {
                rounds.incrementAndGet();
                c.write(new byte[64]);                   // fails at once; this loop looks only at drain
                return c.drain().thenApply(v -> rounds.get() < 100);
            });
            assertThatThrownBy(() -> await(loop)).cause().isInstanceOf(ClosedChannelException.class);
            assertThat(rounds).hasValue(1);
        }
    }

    @Test
    void drainOnAnAbortedConnectionFailsWithTheAbort() throws Exception {
        try (Held held = new Held(ServerOptions.defaults());
             Socket peer = new Socket("127.0.0.1", held.server.port())) {
            Connection c = held.connection();
            c.abort();
            await(c.closed());
            assertThatThrownBy(() -> await(c.drain())).cause().isInstanceOf(ConnectionAbortedException.class);
        }
    }

    @Test
    void cancellingAQueuedWriteRemovesIt() throws Exception {
        int big = 32 * 1024 * 1024;
        ConnectionOptions roomy = ConnectionOptions.defaults().withWriteBuffer(1024, 2L * big);
        try (Held held = new Held(ServerOptions.defaults().withConnectionOptions(roomy));
             Socket peer = new Socket("127.0.0.1", held.server.port())) {
            Connection c = held.connection();
            AsyncFuture<Void> first = c.write(pattern(big));
            AsyncFuture<Void> dropped = c.write("DROPPED", US_ASCII);
            AsyncFuture<Void> last = c.write("last", US_ASCII);
            assertThat(dropped.cancel(false)).isTrue();
            // The drop reaches the executor behind what it is running: the bytes are released there.
            eventually("the dropped write's bytes released", () -> c.pendingOutputBytes() <= big + 4);
            InputStream in = peer.getInputStream();
            assertThat(in.readNBytes(big)).isEqualTo(pattern(big));
            await(first);
            await(last);
            await(c.close());
            assertThat(new String(in.readAllBytes(), US_ASCII)).isEqualTo("last");
            assertThat(c.isOpen()).isFalse();
        }
    }

    /** Runs {@code body} as a callback of {@code c} (on its executor) and waits until it has returned. */
    private static void inCallback(Connection c, Runnable body) {
        CompletableFuture<Void> ran = new CompletableFuture<>();
        c.executor().execute(() -> {
            try {
                body.run();
                ran.complete(null);
            } catch (Throwable t) {
                ran.completeExceptionally(t);
            }
        });
        await(ran);
    }

    @Test
    void writesFromOneCallbackAreHeldUntilItReturnsThenLeaveInOrder() throws Exception {
        try (Held held = new Held(ServerOptions.defaults()); Socket peer = new Socket("127.0.0.1", held.server.port())) {
            Connection c = held.connection();
            long[] queuedInside = new long[1];
            List<AsyncFuture<Void>> writes = new ArrayList<>();
            inCallback(c, () -> {
                for (String part : new String[] {"one ", "two ", "three\n"}) {
                    writes.add(c.write(part, US_ASCII));
                }
                queuedInside[0] = c.pendingOutputBytes();
            });
            assertThat(queuedInside[0]).as("nothing is sent while the callback runs").isEqualTo(14);
            assertThat(new String(peer.getInputStream().readNBytes(14), US_ASCII)).isEqualTo("one two three\n");
            writes.forEach(LoopFixture::await);
            assertThat(c.pendingOutputBytes()).isZero();
        }
    }

    @Test
    void aCallbackThatCancelsWhatItWroteSendsNothingAndWritingGoesOn() throws Exception {
        try (Held held = new Held(ServerOptions.defaults()); Socket peer = new Socket("127.0.0.1", held.server.port())) {
            Connection c = held.connection();
            boolean[] cancelled = new boolean[1];
            inCallback(c, () -> cancelled[0] = c.write("DROPPED", US_ASCII).cancel(false));
            assertThat(cancelled[0]).isTrue();
            await(c.write("kept", US_ASCII));
            await(c.close());
            assertThat(new String(peer.getInputStream().readAllBytes(), US_ASCII)).isEqualTo("kept");
        }
    }

    @Test
    void closingInTheCallbackThatWroteSendsTheOutputFirst() throws Exception {
        try (Held held = new Held(ServerOptions.defaults()); Socket peer = new Socket("127.0.0.1", held.server.port())) {
            Connection c = held.connection();
            byte[] payload = pattern(256 * 1024);
            inCallback(c, () -> {
                c.write(payload);
                c.close();
            });
            assertThat(peer.getInputStream().readAllBytes()).isEqualTo(payload);
            await(c.closed());
        }
    }

    @Test
    void closingInTheCallbackThatCancelledItsOnlyWriteStillCloses() throws Exception {
        try (Held held = new Held(ServerOptions.defaults()); Socket peer = new Socket("127.0.0.1", held.server.port())) {
            Connection c = held.connection();
            inCallback(c, () -> {
                c.write("DROPPED", US_ASCII).cancel(false);
                c.close();
            });
            assertThat(peer.getInputStream().readAllBytes()).isEmpty();
            await(c.closed());
            assertThat(c.isOpen()).isFalse();
        }
    }

    @Test
    void cancellingAQueuedWriteAfterAnAbortLeavesNothingCountedAsQueued() throws Exception {
        try (Held held = new Held(ServerOptions.defaults()); Socket peer = new Socket("127.0.0.1", held.server.port())) {
            Connection c = held.connection();
            long[] pending = new long[1];
            boolean[] cancelled = new boolean[1];
            inCallback(c, () -> {
                // Held until the callback returns; the abort's failure of it is queued behind this callback, so the
                // cancel wins the race against the failure.
                AsyncFuture<Void> queued = c.write("QUEUED", US_ASCII);
                c.abort();
                cancelled[0] = queued.cancel(false);
                pending[0] = c.pendingOutputBytes();
            });
            assertThat(cancelled[0]).isTrue();
            assertThat(pending[0]).isZero();
            assertThat(c.pendingOutputBytes()).isZero();
            await(c.closed());
        }
    }

    @Test
    void cancellingAWriteTheSocketStartedAbortsTheConnection() throws Exception {
        ConnectionOptions small = ConnectionOptions.defaults().withSendBufferSize(4096);
        try (Held held = new Held(ServerOptions.defaults().withConnectionOptions(small));
             Socket peer = new Socket("127.0.0.1", held.server.port())) {
            peer.setReceiveBufferSize(4096);
            Connection c = held.connection();
            AsyncFuture<Void> started = c.write(pattern(3 * 1024 * 1024));
            assertThat(started).isNotDone();
            eventually("the socket took part of the write", () -> c.pendingOutputBytes() < 3 * 1024 * 1024);
            AsyncFuture<Void> next = c.write("next", US_ASCII);
            started.cancel(false);
            await(c.closed());
            assertThat(c.isOpen()).isFalse();
            assertThatThrownBy(() -> await(next)).cause().isInstanceOf(ConnectionAbortedException.class);
            assertThatThrownBy(() -> await(c.write("x", US_ASCII))).cause()
                    .isInstanceOf(ConnectionAbortedException.class);
        }
    }

    @Test
    void slowReaderWhile64MiBAreWrittenKeepsBuffersBounded() {
        int total = 64 * 1024 * 1024;
        ConnectionOptions opts = ConnectionOptions.defaults();
        CompletableFuture<StreamConnection> serverSide = new CompletableFuture<>();
        CompletableFuture<Void> release = new CompletableFuture<>();
        Server server = LoopFixture.listen(loop, c -> {
            serverSide.complete((StreamConnection) c);
            return release;
        });
        try {
            StreamConnection writer = (StreamConnection) LoopFixture.connect(loop, server);
            StreamConnection reader = await(serverSide);
            AtomicLong maxQueued = new AtomicLong();
            AtomicLong written = new AtomicLong();
            ByteBuffer chunk = ByteBuffer.wrap(pattern(64 * 1024));
            AsyncFuture<Void> writing = Async.whileTrue(() -> {
                if (written.get() == total) {
                    return AsyncFuture.completed(false);
                }
                written.addAndGet(chunk.capacity());
                AsyncFuture<Void> w = writer.write(chunk.duplicate());
                maxQueued.accumulateAndGet(writer.pendingOutputBytes(), Math::max);
                return w.thenCompose(v -> writer.drain()).thenApply(v -> true);
            });
            // The reader does not read at all until the writer is stuck behind TCP and the reader's full buffer.
            eventually("writer blocked by back-pressure",
                    () -> writer.pendingOutputBytes() > opts.writeLowWatermark() && !writing.isDone());
            eventually("reader's pump paused at the high watermark",
                    () -> reader.bufferedInputBytes() >= opts.readHighWatermark());
            long limit = opts.readHighWatermark() + 64 * 1024;
            assertThat(reader.bufferedInputBytes()).isLessThanOrEqualTo(limit);

            long received = 0;
            long maxBuffered = 0;
            while (received < total) {
                ByteBuffer b = await(reader.read(16 * 1024));
                assertThat(b.hasRemaining()).isTrue();
                while (b.hasRemaining()) {
                    assertThat(b.get()).isEqualTo((byte) ((received % (64 * 1024)) * 31 + 7));
                    received++;
                }
                maxBuffered = Math.max(maxBuffered, reader.bufferedInputBytes());
            }
            await(writing);
            assertThat(maxBuffered).isLessThanOrEqualTo(limit);
            assertThat(maxQueued.get()).isLessThanOrEqualTo(opts.writeLowWatermark() + 64 * 1024);
        } finally {
            release.complete(null);
            server.close();
        }
    }

    @Test
    void shutdownOutputSendsEofAndReadingGoesOn() throws Exception {
        try (Held held = new Held(ServerOptions.defaults()); Socket peer = new Socket("127.0.0.1", held.server.port())) {
            Connection c = held.connection();
            c.write("bye", US_ASCII);
            await(c.shutdownOutput());
            assertThat(new String(peer.getInputStream().readAllBytes(), US_ASCII)).isEqualTo("bye");
            assertThatThrownBy(() -> await(c.write("more", US_ASCII))).cause()
                    .isInstanceOf(ClosedChannelException.class);
            peer.getOutputStream().write("still reading\n".getBytes(US_ASCII));
            assertThat(await(c.readLine(100, US_ASCII))).isEqualTo("still reading");
        }
    }

    @Test
    void peerHalfCloseGivesEofAndWritingGoesOn() throws Exception {
        try (Held held = new Held(ServerOptions.defaults()); Socket peer = new Socket("127.0.0.1", held.server.port())) {
            Connection c = held.connection();
            peer.shutdownOutput();
            assertThat(await(c.read(10)).hasRemaining()).isFalse();
            await(c.write("reply after your EOF", US_ASCII));
            await(c.close());
            assertThat(new String(peer.getInputStream().readAllBytes(), US_ASCII)).isEqualTo("reply after your EOF");
        }
    }

    @Test
    void closeFlushesQueuedOutputThenFailsPendingRead() throws Exception {
        try (Held held = new Held(ServerOptions.defaults()); Socket peer = new Socket("127.0.0.1", held.server.port())) {
            Connection c = held.connection();
            AsyncFuture<byte[]> pendingRead = c.readLine(100);
            byte[] payload = pattern(1024 * 1024);
            c.write(payload);
            AsyncFuture<Void> closed = c.close();
            assertThat(c.isOpen()).isFalse();
            assertThatThrownBy(() -> await(c.write("late", US_ASCII))).cause()
                    .isInstanceOf(ClosedChannelException.class);
            assertThat(peer.getInputStream().readAllBytes()).isEqualTo(payload);
            await(closed);
            assertThatThrownBy(() -> await(pendingRead)).cause()
                    .isInstanceOf(java.nio.channels.AsynchronousCloseException.class);
            assertThatThrownBy(() -> await(c.read(1))).cause().isInstanceOf(ClosedChannelException.class);
        }
    }

    @Test
    void abortFailsPendingOperationsAtOnce() throws Exception {
        ConnectionOptions small = ConnectionOptions.defaults().withSendBufferSize(4096);
        try (Held held = new Held(ServerOptions.defaults().withConnectionOptions(small));
             Socket peer = new Socket("127.0.0.1", held.server.port())) {
            peer.setReceiveBufferSize(4096);
            Connection c = held.connection();
            AsyncFuture<byte[]> read = c.readLine(100);
            AsyncFuture<Void> write = c.write(pattern(4 * 1024 * 1024));
            AsyncFuture<Void> drain = c.drain();
            c.abort();
            assertThatThrownBy(() -> await(read)).cause().isInstanceOf(ConnectionAbortedException.class);
            assertThatThrownBy(() -> await(write)).cause().isInstanceOf(ConnectionAbortedException.class);
            assertThatThrownBy(() -> await(drain)).cause().isInstanceOf(ConnectionAbortedException.class);
            await(c.closed());
        }
    }

    @Test
    void callbacksOfOneConnectionNeverOverlap() throws Exception {
        try (Held held = new Held(ServerOptions.defaults()); Socket peer = new Socket("127.0.0.1", held.server.port())) {
            Connection c = held.connection();
            java.util.concurrent.atomic.AtomicInteger inside = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicInteger overlaps = new java.util.concurrent.atomic.AtomicInteger();
            Runnable body = () -> {
                if (inside.incrementAndGet() != 1) {
                    overlaps.incrementAndGet();
                }
                for (int i = 0; i < 200; i++) {
                    Thread.onSpinWait();
                }
                inside.decrementAndGet();
            };
            Thread feeder = new Thread(() -> {
                try {
                    for (int i = 0; i < 2000; i++) {
                        peer.getOutputStream().write(("line " + i + "\n").getBytes(US_ASCII));
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            feeder.start();
            // Callbacks attached to an already completed future run on the attaching thread, so everything is
            // started from the connection's executor: then every callback runs there.
            CompletableFuture<AsyncFuture<Void>> reading = new CompletableFuture<>();
            CompletableFuture<List<AsyncFuture<Void>>> writing = new CompletableFuture<>();
            c.executor().execute(() -> {
                reading.complete(Async.whileTrue(() -> c.readLine(100).thenApply(l -> {
                    body.run();
                    return l != null && !new String(l, US_ASCII).equals("line 1999");
                })));
                List<AsyncFuture<Void>> writes = new ArrayList<>();
                for (int i = 0; i < 2000; i++) {
                    writes.add(c.write("w", US_ASCII).whenComplete((v, e) -> body.run()));
                }
                writing.complete(writes);
            });
            await(await(reading));
            for (AsyncFuture<Void> w : await(writing)) {
                await(w);
            }
            feeder.join();
            assertThat(overlaps).hasValue(0);
        }
    }
}
