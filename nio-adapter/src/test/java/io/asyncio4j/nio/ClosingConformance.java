package io.asyncio4j.nio;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.Connection;
import io.asyncio4j.ConnectionAbortedException;
import io.asyncio4j.ConnectionOptions;
import io.asyncio4j.combinators.Async;
import org.junit.jupiter.api.Test;

import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.InterruptedByTimeoutException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static io.asyncio4j.nio.LoopFixture.await;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The end of a connection: half-close from either side, a graceful close that sends what was queued first, an abort
 * that fails everything at once, the idle timeout, and what a closed connection answers.
 */
abstract class ClosingConformance extends ConformanceFixture {

    ClosingConformance(TransportKit kit) {
        super(kit);
    }

    @Test
    void shutdownOutputSendsEofAndReadingGoesOn() throws Exception {
        Connection c = open();
        c.write("bye", US_ASCII);
        await(c.shutdownOutput());
        assertThat(text(peer.readToEnd())).isEqualTo("bye");
        assertThatThrownBy(() -> await(c.write("more", US_ASCII))).cause()
                .isInstanceOf(ClosedChannelException.class);
        peer.write("still reading\n");
        assertThat(await(c.readLine(100, US_ASCII))).isEqualTo("still reading");
    }

    @Test
    void peerHalfCloseGivesEofAndWritingGoesOn() throws Exception {
        Connection c = open();
        peer.shutdownOutput();
        assertThat(await(c.read(10)).hasRemaining()).isFalse();
        await(c.write("reply after your EOF", US_ASCII));
        await(c.close());
        assertThat(text(peer.readToEnd())).isEqualTo("reply after your EOF");
    }

    @Test
    void closeFlushesQueuedOutputThenFailsPendingRead() throws Exception {
        Connection c = open();
        AsyncFuture<byte[]> pendingRead = c.readLine(100);
        byte[] payload = pattern(1024 * 1024);
        c.write(payload);
        AsyncFuture<Void> closed = c.close();
        assertThat(c.isOpen()).isFalse();
        assertThatThrownBy(() -> await(c.write("late", US_ASCII))).cause()
                .isInstanceOf(ClosedChannelException.class);
        assertThat(peer.readToEnd()).isEqualTo(payload);
        await(closed);
        assertThatThrownBy(() -> await(pendingRead)).cause().isInstanceOf(AsynchronousCloseException.class);
        assertThatThrownBy(() -> await(c.read(1))).cause().isInstanceOf(ClosedChannelException.class);
    }

    @Test
    void closingInTheCallbackThatWroteSendsTheOutputFirst() throws Exception {
        Connection c = open();
        byte[] payload = pattern(256 * 1024);
        inCallback(c, () -> {
            c.write(payload);
            c.close();
        });
        assertThat(peer.readToEnd()).isEqualTo(payload);
        await(c.closed());
    }

    @Test
    void closingInTheCallbackThatCancelledItsOnlyWriteStillCloses() throws Exception {
        Connection c = open();
        inCallback(c, () -> {
            c.write("DROPPED", US_ASCII).cancel(false);
            c.close();
        });
        assertThat(peer.readToEnd()).isEmpty();
        await(c.closed());
        assertThat(c.isOpen()).isFalse();
    }

    @Test
    void abortFailsPendingOperationsAtOnce() throws Exception {
        Connection c = open(ConnectionOptions.defaults().withSendBufferSize(4096));
        AsyncFuture<byte[]> read = c.readLine(100);
        AsyncFuture<Void> write = c.write(pattern(4 * 1024 * 1024));
        AsyncFuture<Void> drain = c.drain();
        c.abort();
        assertThatThrownBy(() -> await(read)).cause().isInstanceOf(ConnectionAbortedException.class);
        assertThatThrownBy(() -> await(write)).cause().isInstanceOf(ConnectionAbortedException.class);
        assertThatThrownBy(() -> await(drain)).cause().isInstanceOf(ConnectionAbortedException.class);
        await(c.closed());
    }

    @Test
    void drainOnAClosedConnectionFailsSoThatAWriteAndDrainLoopEnds() throws Exception {
        Connection c = open();
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

    @Test
    void drainOnAnAbortedConnectionFailsWithTheAbort() throws Exception {
        Connection c = open();
        c.abort();
        await(c.closed());
        assertThatThrownBy(() -> await(c.drain())).cause().isInstanceOf(ConnectionAbortedException.class);
    }

    @Test
    void closedViewsAreIndependentOfEachOther() throws Exception {
        Connection c = open();
        AsyncFuture<Void> cancelledView = c.closed();
        AsyncFuture<Void> otherView = c.closed();
        cancelledView.cancel(false);
        assertThat(otherView).isNotDone();
        await(c.close());
        await(otherView);
        assertThat(c.closed()).isDone();
    }

    @Test
    void anIdleConnectionIsClosedAndItsPendingReadFailsWithATimeout() throws Exception {
        Connection c = open(ConnectionOptions.defaults().withIdleTimeout(Duration.ofMillis(200)));
        AsyncFuture<byte[]> read = c.readLine(100);
        assertThat(peer.readToEnd()).as("the peer reads the end of the stream").isEmpty();
        assertThatThrownBy(() -> await(read)).cause().isInstanceOf(InterruptedByTimeoutException.class);
        await(c.closed());
        assertThat(c.isOpen()).isFalse();
    }
}
