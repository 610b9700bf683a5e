package io.asyncio4j.nio;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.Connection;
import io.asyncio4j.ConnectionAbortedException;
import io.asyncio4j.ConnectionOptions;
import io.asyncio4j.WriteQueueFullException;
import io.asyncio4j.combinators.Async;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static io.asyncio4j.nio.LoopFixture.await;
import static io.asyncio4j.nio.LoopFixture.eventually;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The StreamWriter half: queueing, the cap on queued output, back-pressure and drain, cancellation of writes, writes
 * held until the callback that made them returns; and a slow reader on either side keeps every buffer bounded.
 */
abstract class WritingConformance extends ConformanceFixture {

    WritingConformance(TransportKit kit) {
        super(kit);
    }

    @Test
    void writesArriveInOrder() throws Exception {
        Connection c = open();
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
        assertThat(text(peer.readToEnd())).isEqualTo(expected.toString());
    }

    @Test
    void writeBeyondTheCapFailsFastAndTheConnectionKeepsWorking() throws Exception {
        Connection c = open(ConnectionOptions.defaults().withWriteBuffer(1024, 64 * 1024));
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

        byte[] got = peer.read((int) accepted);
        assertThat(got.length).isEqualTo((int) accepted);
        for (AsyncFuture<Void> w : writes) {
            await(w);
        }
        await(c.write("after", US_ASCII));
        assertThat(text(peer.read(5))).isEqualTo("after");
    }

    @ParameterizedTest(name = "{0} MiB")
    @ValueSource(ints = {8, 64})
    void oneWriteLargerThanTheCapIsAdmittedWhenNothingIsQueuedAndEveryByteArrives(int mebibytes) throws Exception {
        Connection c = open();
        byte[] big = pattern(mebibytes << 20);
        assertThat((long) big.length).isGreaterThan(ConnectionOptions.defaults().maxQueuedWriteBytes());

        AsyncFuture<Void> w = c.write(big);
        assertThat(w.isCompletedExceptionally()).as("the large write is admitted").isFalse();
        if (mebibytes == 64) {
            // Far more than the transport's buffers take while nobody reads: the queue stays above the cap.
            AsyncFuture<Void> refused = c.write(new byte[1]);
            assertThatThrownBy(refused::join).hasCauseInstanceOf(WriteQueueFullException.class);
        }
        byte[] got = peer.read(big.length);
        await(w);
        assertThat(got).isEqualTo(big);
        await(c.drain());
        await(c.write("after", US_ASCII));
        assertThat(text(peer.read(5))).isEqualTo("after");
    }

    @Test
    void drainWaitsForTheLowWatermarkAndAnyNumberMayWait() throws Exception {
        // More than the transport's buffers hold, so most of it waits in the queue until the peer reads.
        int size = 32 * 1024 * 1024;
        Connection c = open(ConnectionOptions.defaults().withWriteBuffer(1024, size));
        c.write(pattern(size));
        AsyncFuture<Void> drain1 = c.drain();
        AsyncFuture<Void> drain2 = c.drain();
        assertThat(drain1).isNotDone();
        assertThat(drain2).isNotDone();
        byte[] got = peer.read(size);
        await(drain1);
        await(drain2);
        assertThat(got).isEqualTo(pattern(size));
        assertThat(c.pendingOutputBytes()).isZero();
        assertThat(c.drain()).isDone();
    }

    @Test
    void cancellingAQueuedWriteRemovesIt() throws Exception {
        int big = 32 * 1024 * 1024;
        Connection c = open(ConnectionOptions.defaults().withWriteBuffer(1024, 2L * big));
        AsyncFuture<Void> first = c.write(pattern(big));
        AsyncFuture<Void> dropped = c.write("DROPPED", US_ASCII);
        AsyncFuture<Void> last = c.write("last", US_ASCII);
        assertThat(dropped.cancel(false)).isTrue();
        // The drop reaches the executor behind what it is running: the bytes are released there.
        eventually("the dropped write's bytes released", () -> c.pendingOutputBytes() <= big + 4);
        assertThat(peer.read(big)).isEqualTo(pattern(big));
        await(first);
        await(last);
        await(c.close());
        assertThat(text(peer.readToEnd())).isEqualTo("last");
        assertThat(c.isOpen()).isFalse();
    }

    @Test
    void writesFromOneCallbackAreHeldUntilItReturnsThenLeaveInOrder() throws Exception {
        Connection c = open();
        long[] queuedInside = new long[1];
        List<AsyncFuture<Void>> writes = new ArrayList<>();
        inCallback(c, () -> {
            for (String part : new String[] {"one ", "two ", "three\n"}) {
                writes.add(c.write(part, US_ASCII));
            }
            queuedInside[0] = c.pendingOutputBytes();
        });
        assertThat(queuedInside[0]).as("nothing is sent while the callback runs").isEqualTo(14);
        assertThat(text(peer.read(14))).isEqualTo("one two three\n");
        writes.forEach(LoopFixture::await);
        assertThat(c.pendingOutputBytes()).isZero();
    }

    @Test
    void aCallbackThatCancelsWhatItWroteSendsNothingAndWritingGoesOn() throws Exception {
        Connection c = open();
        boolean[] cancelled = new boolean[1];
        inCallback(c, () -> cancelled[0] = c.write("DROPPED", US_ASCII).cancel(false));
        assertThat(cancelled[0]).isTrue();
        await(c.write("kept", US_ASCII));
        await(c.close());
        assertThat(text(peer.readToEnd())).isEqualTo("kept");
    }

    @Test
    void cancellingAQueuedWriteAfterAnAbortLeavesNothingCountedAsQueued() throws Exception {
        Connection c = open();
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

    @Test
    void cancellingAWriteTheTransportStartedAbortsTheConnection() throws Exception {
        Connection c = open(ConnectionOptions.defaults().withSendBufferSize(4096));
        AsyncFuture<Void> started = c.write(pattern(3 * 1024 * 1024));
        assertThat(started).isNotDone();
        eventually("the transport took part of the write", () -> c.pendingOutputBytes() < 3 * 1024 * 1024);
        AsyncFuture<Void> next = c.write("next", US_ASCII);
        started.cancel(false);
        await(c.closed());
        assertThat(c.isOpen()).isFalse();
        assertThatThrownBy(() -> await(next)).cause().isInstanceOf(ConnectionAbortedException.class);
        assertThatThrownBy(() -> await(c.write("x", US_ASCII))).cause()
                .isInstanceOf(ConnectionAbortedException.class);
    }

    @Test
    void aWriterThatDrainsIsHeldBackByAPeerThatDoesNotReadAndItsQueueStaysBounded() throws Exception {
        int total = 64 * 1024 * 1024;
        int chunkSize = 64 * 1024;
        ConnectionOptions opts = ConnectionOptions.defaults();
        Connection c = open(opts);
        AtomicLong maxQueued = new AtomicLong();
        AtomicLong written = new AtomicLong();
        ByteBuffer chunk = ByteBuffer.wrap(pattern(chunkSize));
        AsyncFuture<Void> writing = Async.whileTrue(() -> {
            if (written.get() == total) {
                return AsyncFuture.completed(false);
            }
            written.addAndGet(chunkSize);
            AsyncFuture<Void> w = c.write(chunk.duplicate());
            maxQueued.accumulateAndGet(c.pendingOutputBytes(), Math::max);
            return w.thenCompose(v -> c.drain()).thenApply(v -> true);
        });
        // The peer does not read at all until the writer is stuck behind the transport's full buffers.
        eventually("writer blocked by back-pressure",
                () -> c.pendingOutputBytes() > opts.writeLowWatermark() && !writing.isDone());

        byte[] expected = pattern(chunkSize);
        for (long received = 0; received < total; received += chunkSize) {
            assertThat(peer.read(chunkSize)).as("the chunk at %d", received).isEqualTo(expected);
        }
        await(writing);
        assertThat(maxQueued.get()).isLessThanOrEqualTo(opts.writeLowWatermark() + chunkSize);
    }

    @Test
    void aReaderThatDoesNotReadStopsAtTheHighWatermarkAndItsBufferStaysBoundedWhileItReads() throws Exception {
        int total = 64 * 1024 * 1024;
        ConnectionOptions opts = ConnectionOptions.defaults();
        StreamConnection c = open(opts);
        CompletableFuture<Void> sent = new CompletableFuture<>();
        Peer sender = peer;
        Thread writer = new Thread(() -> {
            try {
                byte[] chunk = pattern(64 * 1024);
                for (int i = 0; i < total / chunk.length; i++) {
                    sender.write(chunk);
                }
                sent.complete(null);
            } catch (Throwable t) {
                sent.completeExceptionally(t);
            }
        });
        writer.start();
        // The connection reads nothing until its pump has paused at the high watermark, the peer stuck behind it.
        eventually("the pump paused at the high watermark", () -> c.bufferedInputBytes() >= opts.readHighWatermark());
        long limit = opts.readHighWatermark() + 64 * 1024;
        assertThat(c.bufferedInputBytes()).isLessThanOrEqualTo(limit);

        long received = 0;
        long maxBuffered = 0;
        while (received < total) {
            ByteBuffer b = await(c.read(16 * 1024));
            assertThat(b.hasRemaining()).isTrue();
            received = checkPattern(b, received);
            maxBuffered = Math.max(maxBuffered, c.bufferedInputBytes());
        }
        await(sent);
        writer.join();
        assertThat(maxBuffered).isLessThanOrEqualTo(limit);
    }

    /** Checks that {@code b} continues the 64 KiB {@link #pattern} at stream offset {@code at}; returns the next. */
    private static long checkPattern(ByteBuffer b, long at) {
        while (b.hasRemaining()) {
            byte expected = (byte) ((at % (64 * 1024)) * 31 + 7);
            byte got = b.get();
            if (got != expected) {
                assertThat(got).as("byte %d", at).isEqualTo(expected);
            }
            at++;
        }
        return at;
    }

    @Test
    void callbacksOfOneConnectionNeverOverlap() throws Exception {
        Connection c = open();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        Runnable body = () -> {
            if (inside.incrementAndGet() != 1) {
                overlaps.incrementAndGet();
            }
            for (int i = 0; i < 200; i++) {
                Thread.onSpinWait();
            }
            inside.decrementAndGet();
        };
        Peer feeding = peer;
        Thread feeder = new Thread(() -> {
            try {
                for (int i = 0; i < 2000; i++) {
                    feeding.write("line " + i + "\n");
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
                return l != null && !text(l).equals("line 1999");
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
