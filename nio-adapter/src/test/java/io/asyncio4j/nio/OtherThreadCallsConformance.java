package io.asyncio4j.nio;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.Connection;
import io.asyncio4j.ConnectionAbortedException;
import io.asyncio4j.ConnectionOptions;
import io.asyncio4j.WriteQueueFullException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.asyncio4j.nio.LoopFixture.await;
import static io.asyncio4j.nio.LoopFixture.eventually;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Calls made from a thread other than the connection's executor while that executor is busy: a connection's state
 * is its executor's, so such a call is queued there and takes effect, in call order, once the executor is free;
 * what must be refused at once (a full write queue, a closed connection) is refused on the calling thread.
 */
abstract class OtherThreadCallsConformance extends ConformanceFixture {

    OtherThreadCallsConformance(TransportKit kit) {
        super(kit);
    }

    /**
     * A task that holds the connection's executor, on a thread of its own, until {@link #free} is called: what the
     * test thread calls meanwhile is queued behind it.
     */
    private static final class Busy {
        private final CountDownLatch entered = new CountDownLatch(1);
        private final CountDownLatch freed = new CountDownLatch(1);
        private final Thread holder;

        Busy(Connection c, Runnable onFree) throws InterruptedException {
            holder = new Thread(() -> c.executor().execute(() -> {
                entered.countDown();
                awaitQuietly(freed);
                onFree.run();
            }), "busy-executor");
            holder.start();
            assertThat(entered.await(LoopFixture.WAIT.toSeconds(), TimeUnit.SECONDS)).as("executor held").isTrue();
        }

        Busy(Connection c) throws InterruptedException {
            this(c, () -> { });
        }

        /** Lets the holding task finish; the holder thread then runs what was queued behind it. */
        void free() {
            freed.countDown();
        }

        /** Waits until the holder thread has run the holding task and everything queued behind it. */
        void awaitDone() throws InterruptedException {
            holder.join(LoopFixture.WAIT.toMillis());
            assertThat(holder.isAlive()).as("holder done").isFalse();
        }
    }

    /** Waits on a latch from a task on the executor, which cannot throw the interruption. */
    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String readFromPeer(int n) throws Exception {
        return text(peer.read(n));
    }

    @Test
    void writesQueuedWhileTheExecutorIsBusyLeaveInCallOrderOnceItIsFree() throws Exception {
        StreamConnection c = open();
        Busy busy = new Busy(c);
        AsyncFuture<Void> a = c.write("first,", US_ASCII);
        AsyncFuture<Void> b = c.write("second,", US_ASCII);
        AsyncFuture<Void> d = c.write("third", US_ASCII);
        assertThat(c.pendingOutputBytes()).as("reserved on the calling thread").isEqualTo(18);
        assertThat(a).as("sent only once the executor is free").isNotDone();
        busy.free();
        await(a);
        await(b);
        await(d);
        assertThat(readFromPeer(18)).isEqualTo("first,second,third");
        eventually("queue empty", () -> c.pendingOutputBytes() == 0);
    }

    @Test
    void theWriteCapHoldsAtOnceForWritesFromAnotherThread() throws Exception {
        StreamConnection c = open(ConnectionOptions.defaults().withWriteBuffer(1024, 4096));
        Busy busy = new Busy(c);
        AsyncFuture<Void> fits = c.write(new byte[3000]);
        AsyncFuture<Void> past = c.write(new byte[2000]); // admitted: the queue was below the cap
        AsyncFuture<Void> over = c.write(new byte[1]);
        assertThat(over).as("refused on the calling thread, the executor busy").isCompletedExceptionally();
        assertThatThrownBy(over::join).hasCauseInstanceOf(WriteQueueFullException.class);
        assertThat(c.pendingOutputBytes()).isEqualTo(5000);
        busy.free();
        await(fits);
        await(past);
        assertThat(peer.read(5000)).hasSize(5000);
        await(c.write("more", US_ASCII));
        assertThat(readFromPeer(4)).isEqualTo("more");
    }

    @Test
    void aWriteCancelledOnItsWayToTheExecutorIsDroppedAndReleasedOnce() throws Exception {
        StreamConnection c = open();
        CompletableFuture<AsyncFuture<Void>> toCancel = new CompletableFuture<>();
        // The executor's own thread cancels a write that another thread queued behind it: the write is not in the
        // connection's queue yet when the cancel runs.
        Busy busy = new Busy(c, () -> toCancel.join().cancel(false));
        AsyncFuture<Void> cancelled = c.write("lost", US_ASCII);
        AsyncFuture<Void> kept = c.write("kept", US_ASCII);
        toCancel.complete(cancelled);
        busy.free();
        assertOnlyTheKeptWriteLeftAndNothingStaysCounted(c, kept);
        assertThat(cancelled).isCancelled();
    }

    @Test
    void aWriteCancelledFromAnotherThreadWhileQueuedIsDroppedOnceTheExecutorIsFree() throws Exception {
        StreamConnection c = open();
        Busy busy = new Busy(c);
        AsyncFuture<Void> cancelled = c.write("lost", US_ASCII);
        AsyncFuture<Void> kept = c.write("kept", US_ASCII);
        assertThat(cancelled.cancel(false)).isTrue();
        busy.free();
        assertOnlyTheKeptWriteLeftAndNothingStaysCounted(c, kept);
    }

    /** After a cancelled write and a kept one: the peer gets "kept", then a later write; each byte counted once. */
    private void assertOnlyTheKeptWriteLeftAndNothingStaysCounted(Connection c, AsyncFuture<Void> kept)
            throws Exception {
        await(kept);
        await(c.write("!", US_ASCII));
        assertThat(readFromPeer(5)).isEqualTo("kept!");
        eventually("queue empty", () -> c.pendingOutputBytes() <= 0);
        assertThat(c.pendingOutputBytes()).as("each write's bytes released once").isZero();
    }

    @Test
    void abortFromAnotherThreadRefusesAtOnceAndFailsPendingWorkOnceTheExecutorIsFree() throws Exception {
        StreamConnection c = open();
        Busy busy = new Busy(c);
        AsyncFuture<ByteBuffer> read = c.read(16);
        AsyncFuture<Void> queued = c.write("never", US_ASCII);
        c.abort();
        assertThat(c.isOpen()).as("closed for the caller at once").isFalse();
        AsyncFuture<Void> late = c.write("late", US_ASCII);
        assertThat(late).isCompletedExceptionally();
        assertThatThrownBy(late::join).hasCauseInstanceOf(ConnectionAbortedException.class);
        busy.free();
        assertThatThrownBy(() -> await(read)).hasCauseInstanceOf(ConnectionAbortedException.class);
        Throwable queuedFailure = await(queued.handle((v, e) -> e));
        await(c.closed());
        // The write accepted before the abort is sent when it reaches the executor, ahead of the abort: it succeeds
        // if the transport completes it before the abort runs, else the abort fails it. Nothing written after the
        // abort leaves.
        String received = text(peer.readToEnd());
        if (queuedFailure == null) {
            assertThat(received).as("a write that succeeded was sent").isEqualTo("never");
        } else {
            assertThat(queuedFailure).isInstanceOf(ConnectionAbortedException.class);
            assertThat(received).as("then the end").isIn("", "never");
        }
        assertThat(c.pendingOutputBytes()).isZero();
    }

    @Test
    void closeFromAnotherThreadFlushesTheWritesAcceptedBeforeIt() throws Exception {
        StreamConnection c = open();
        Busy busy = new Busy(c);
        AsyncFuture<Void> written = c.write("hello", US_ASCII);
        AsyncFuture<Void> closed = c.close();
        assertThat(c.isOpen()).isFalse();
        AsyncFuture<Void> late = c.write("late", US_ASCII);
        assertThat(late).isCompletedExceptionally();
        assertThatThrownBy(late::join).hasCauseInstanceOf(ClosedChannelException.class);
        busy.free();
        await(written);
        await(closed);
        assertThat(text(peer.readToEnd())).isEqualTo("hello");
    }

    @Test
    void shutdownOutputFromAnotherThreadComesAfterTheWritesBeforeIt() throws Exception {
        StreamConnection c = open();
        Busy busy = new Busy(c);
        AsyncFuture<Void> written = c.write("data", US_ASCII);
        AsyncFuture<Void> shut = c.shutdownOutput();
        AsyncFuture<Void> late = c.write("late", US_ASCII);
        assertThat(late).as("refused at once").isCompletedExceptionally();
        busy.free();
        await(written);
        await(shut);
        assertThat(text(peer.readToEnd())).isEqualTo("data");
        peer.write("ping");
        assertThat(US_ASCII.decode(await(c.read(16))).toString()).as("the input side still works").isEqualTo("ping");
    }

    @Test
    void aCorkedWriteCancelledFromAnotherThreadIsDroppedWithoutAbortingTheConnection() throws Exception {
        StreamConnection c = open();
        CompletableFuture<AsyncFuture<Void>> corked = new CompletableFuture<>();
        CountDownLatch cancelled = new CountDownLatch(1);
        // A callback writes (held until the callbacks are done), another thread cancels that write before the
        // flush: its cancel reaches the executor only after the flush, which must not send it.
        Busy busy = new Busy(c, () -> {
            corked.complete(c.write("dropped", US_ASCII));
            awaitQuietly(cancelled);
        });
        busy.free();
        AsyncFuture<Void> w = await(corked);
        assertThat(w.cancel(false)).isTrue();
        cancelled.countDown();
        await(c.write("kept", US_ASCII));
        assertThat(c.isOpen()).as("not aborted").isTrue();
        assertThat(readFromPeer(4)).isEqualTo("kept");
        eventually("queue empty", () -> c.pendingOutputBytes() <= 0);
        assertThat(c.pendingOutputBytes()).isZero();
    }

    @Test
    void aDrainWaiterIsReleasedWhenAWriteCancelledOnItsWayIsDropped() throws Exception {
        StreamConnection c = open(ConnectionOptions.defaults().withWriteBuffer(1024, 64 * 1024));
        CompletableFuture<AsyncFuture<Void>> drain = new CompletableFuture<>();
        Busy busy = new Busy(c, () -> drain.complete(c.drain()));
        AsyncFuture<Void> big = c.write(new byte[2000]);
        assertThat(big.cancel(false)).isTrue();
        busy.free();
        // The drain started on the executor before the cancelled write reached it, with 2000 bytes counted.
        await(await(drain));
        assertThat(c.pendingOutputBytes()).isZero();
    }

    @Test
    void closeFromACallbackSendsWhatAnotherThreadWroteJustBefore() throws Exception {
        StreamConnection c = open();
        CountDownLatch written = new CountDownLatch(1);
        Busy busy = new Busy(c, () -> {
            awaitQuietly(written);
            c.close(); // on the executor, ahead of the write that is still on its way to it
        });
        AsyncFuture<Void> w = c.write("before the close", US_ASCII);
        written.countDown();
        busy.free();
        await(w);
        await(c.closed());
        assertThat(text(peer.readToEnd())).isEqualTo("before the close");
    }

    @Test
    void aReadIntoTheCallersBufferCancelledFromAnotherThreadAfterItsCopyPutsBackTheBytesNotTheBuffer()
            throws Exception {
        StreamConnection c = open();
        peer.write("payload");
        eventually("bytes buffered", () -> buffered() == 7);
        ByteBuffer dst = ByteBuffer.allocate(16);
        CompletableFuture<AsyncFuture<Integer>> copied = new CompletableFuture<>();
        CountDownLatch reused = new CountDownLatch(1);
        // On the executor: the read copies the buffered bytes into dst at once, its delivery waits behind this task,
        // and the task holds the executor while the test thread cancels the read and reuses dst.
        Busy busy = new Busy(c, () -> {
            copied.complete(c.read(dst));
            awaitQuietly(reused);
        });
        busy.free();
        AsyncFuture<Integer> read = await(copied);
        assertThat(dst.position()).as("copied, not yet delivered").isEqualTo(7);
        assertThat(read.cancel(false)).isTrue();
        assertThat(dst.position()).as("rewound before cancel returned").isZero();
        Arrays.fill(dst.array(), (byte) 'X');
        reused.countDown();
        assertThat(new String(await(c.readExactly(7)), US_ASCII)).isEqualTo("payload");
    }

    @Test
    void aReadIntoTheCallersBufferCancelledOnItsWayNeverTouchesTheBuffer() throws Exception {
        StreamConnection c = open();
        peer.write("payload");
        eventually("bytes buffered", () -> buffered() == 7);
        Busy busy = new Busy(c);
        ByteBuffer dst = ByteBuffer.allocate(16);
        AsyncFuture<Integer> read = c.read(dst);
        assertThat(read.cancel(false)).isTrue();
        busy.free();
        busy.awaitDone();
        assertThat(dst.position()).isZero();
        assertThat(dst.array()).containsOnly(0);
        assertThat(new String(await(c.readExactly(7)), US_ASCII)).isEqualTo("payload");
    }

    @Test
    void aReadStartedWhileTheExecutorIsBusyGetsTheBytesThatArrived() throws Exception {
        StreamConnection c = open();
        Busy busy = new Busy(c);
        AsyncFuture<byte[]> line = c.readLine(64);
        peer.write("over the wall\n");
        busy.free();
        assertThat(new String(await(line), US_ASCII)).isEqualTo("over the wall");
        assertThat(buffered()).isZero();
    }
}
