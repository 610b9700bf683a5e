package io.asyncio4j.nio;

import io.asyncio4j.AsyncFuture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;
import java.util.concurrent.CompletableFuture;

/**
 * The write side of a connection: queues accepted writes in the {@link OutboundBuffer}, sends its batches one raw
 * write at a time, settles what each sent, and shuts the output down once everything before the request is sent.
 * Writes queued by a batch of callbacks are corked until the executor's idle hook, so that the replies to
 * pipelined requests leave in one write; once the queue is empty, the connection hears of it
 * ({@link StreamConnection#outputFlushed()}) to carry out a pending hand-over, output shutdown or close.
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
    /** An output shutdown that has reached the executor, behind the writes before it; {@code null} if none. */
    private CompletableFuture<Void> shutdown;
    /** The transport's output was shut down: writes arriving after it fail. */
    private boolean shutdownIssued;

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

    /** For diagnostics, read off the executor: the write in flight and the bytes queued. */
    String describe() {
        long queued = outbound.queuedBytes();
        return (writeInFlight ? ", write in flight" : "") + (queued > 0 ? ", " + queued + " bytes queued" : "");
    }

    /**
     * Queues a write whose bytes {@code write} reserved, to be sent at the end of this batch of callbacks. A write
     * that arrives after the connection closed or its output was shut down (by another thread, after the write was
     * accepted) fails; one given up on its way is dropped.
     */
    void enqueue(WriteRequest w) {
        long size = w.size;
        boolean refused = connection.isClosed() || shutdownIssued;
        if (w.givenUpOrDone() || refused || size == 0 && outbound.isEmpty()) {
            w.state = WriteRequest.State.DONE;
            outbound.release(size);
            outbound.releaseDrainWaiters();
            if (size == 0 && !refused) {
                w.future.settle(null);
            } else {
                w.future.settleExceptionally(connection.closedFailure()); // a write given up keeps its outcome
            }
            return;
        }
        outbound.add(w);
        if (!writeInFlight) {
            writeInFlight = true;
            corked = true;
            executor.runWhenIdle();
        }
    }

    /**
     * A write was given up: dropped if it is still only queued, else the stream is broken and the connection aborts.
     * Does nothing once the write is done (sent before the give-up, or already dropped: the give-up and a delivery
     * that finds the write given up both come here) or the connection closed (its queue was emptied then).
     */
    void cancelled(WriteRequest w) {
        if (w.state == WriteRequest.State.DONE || connection.isClosed()) {
            return;
        }
        if (w.state == WriteRequest.State.IN_FLIGHT) {
            connection.abort("a write was cancelled after the transport had started sending it", null);
            return;
        }
        outbound.remove(w); // false if given up on its way from another thread: enqueue() drops it
    }

    /** A {@code drain()} waiter has reached the executor: released at the low watermark, or failed if closed. */
    void addDrainWaiter(AsyncFuture<Void> waiter) {
        if (waiter.isDone()) {
            return; // given up on its way from another thread
        }
        if (connection.isClosed()) {
            waiter.settleExceptionally(connection.closeCause());
        } else {
            outbound.addDrainWaiter(waiter);
        }
    }

    /** The shutdown request has reached the executor: shuts the output once the writes before it are sent. */
    void shutdownOutput(CompletableFuture<Void> done) {
        shutdown = done;
        shutdownOutputIfFlushed();
    }

    /** Shuts the transport's output if a shutdown was requested and no write is left before it. */
    void shutdownOutputIfFlushed() {
        CompletableFuture<Void> f = shutdown;
        if (f == null || shutdownIssued) {
            return;
        }
        if (connection.isClosed()) {
            f.completeExceptionally(connection.closeCause()); // closed before the request reached the executor
            return;
        }
        if (!isFlushed()) {
            return; // the last write's completion comes back here
        }
        shutdownIssued = true;
        try {
            transport.shutdownOutput();
            executor.execute(() -> f.complete(null));
        } catch (IOException e) {
            executor.execute(() -> f.completeExceptionally(e));
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
