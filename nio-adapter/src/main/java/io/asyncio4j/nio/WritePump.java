package io.asyncio4j.nio;

import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;

/**
 * The write side of a connection: sends the {@link OutboundBuffer}'s batches, one raw write at a time, and settles
 * what each sent. Writes queued by a batch of callbacks are corked until the executor's idle hook, so that the
 * replies to pipelined requests leave in one write; once the queue is empty, the connection hears of it
 * ({@link StreamConnection#outputFlushed()}) to carry out a pending output shutdown, close or hand-over.
 *
 * <p>Confined to the connection's executor: every method runs there, and the raw write's completion is handed
 * there, queued behind the running task when the transport completes inline.
 */
final class WritePump {

    private final StreamConnection connection;
    private final ConnectionExecutor executor;
    private final OutboundBuffer outbound;
    private final GatheringWriteCompletion gathering = new GatheringWriteCompletion();
    private final SingleWriteCompletion single = new SingleWriteCompletion();
    private ByteTransport transport;
    private boolean writeInFlight;
    /** Writes wait for the end of the current callback batch ({@link #flushCorked}); writeInFlight is set. */
    private boolean corked;

    WritePump(StreamConnection connection, ConnectionExecutor executor, OutboundBuffer outbound,
              ByteTransport transport) {
        this.connection = connection;
        this.executor = executor;
        this.outbound = outbound;
        this.transport = transport;
    }

    /** Writes from now on to {@code top}; only while nothing is queued or in flight (a hand-over). */
    void transport(ByteTransport top) {
        this.transport = top;
    }

    /** Whether nothing is queued or in flight. */
    boolean isFlushed() {
        return !writeInFlight && outbound.isEmpty();
    }

    boolean writeInFlight() {
        return writeInFlight;
    }

    /** A write was queued: has the queue sent at the end of this batch of callbacks, unless a write is out. */
    void queued() {
        if (!writeInFlight) {
            writeInFlight = true;
            corked = true;
            executor.runWhenIdle();
        }
    }

    /**
     * From the executor's idle hook: sends what the batch of callbacks queued. Queued writes that were all given up
     * meanwhile leave nothing to send; the write side then settles as after a completed write.
     */
    void flushCorked() {
        if (corked) {
            corked = false;
            if (!connection.isClosed()) {
                send();
            }
        }
    }

    /** With {@code writeInFlight} set: sends the next batch, or settles as after a write if none is left. */
    private void send() {
        int count = outbound.fillBatch();
        if (count == 0) {
            completed(0);
            return;
        }
        ByteBuffer[] batch = outbound.batch();
        try {
            if (count == 1) {
                // The JDK's single-buffer write is cheaper than its gathering path.
                transport.write(batch[0], null, single);
            } else {
                transport.write(batch, 0, count, null, gathering);
            }
        } catch (RuntimeException e) {
            gathering.failed(e, null);
        }
    }

    /**
     * The transport took {@code n} bytes of the batch: settles the writes it finished (queued on the executor,
     * behind this task), sends the rest, and once the queue is empty tells the connection.
     */
    private void completed(long n) {
        writeInFlight = false;
        if (connection.isClosed()) {
            outbound.clearBatch();
            return;
        }
        outbound.sent(n);
        connection.active();
        if (!outbound.isEmpty()) {
            writeInFlight = true;
            send();
        } else {
            connection.outputFlushed();
        }
        outbound.releaseDrainWaiters();
    }

    private void failed(Throwable e) {
        writeInFlight = false;
        outbound.clearBatch();
        connection.finish(e);
    }

    /**
     * The gathering write's handler, and the task that hands its outcome to the executor: one object per
     * connection, since at most one raw write is outstanding.
     */
    private final class GatheringWriteCompletion implements CompletionHandler<Long, Void>, Runnable {
        private long count;
        private Throwable failure;

        @Override
        public void completed(Long n, Void unused) {
            written(n);
        }

        void written(long n) {
            count = n;
            executor.execute(this);
        }

        @Override
        public void failed(Throwable e, Void unused) {
            failure = e;
            executor.execute(this);
        }

        @Override
        public void run() {
            Throwable e = failure;
            failure = null;
            if (e == null) {
                WritePump.this.completed(count);
            } else {
                WritePump.this.failed(e);
            }
        }
    }

    /** The single-buffer write's handler: the JDK types its count as an {@code Integer}. */
    private final class SingleWriteCompletion implements CompletionHandler<Integer, Void> {
        @Override
        public void completed(Integer n, Void unused) {
            gathering.written(n);
        }

        @Override
        public void failed(Throwable e, Void unused) {
            gathering.failed(e, null);
        }
    }
}
