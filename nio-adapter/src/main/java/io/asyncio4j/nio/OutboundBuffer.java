package io.asyncio4j.nio;

import io.asyncio4j.AsyncFuture;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * The writes a connection has accepted and not yet handed to the transport (what Netty keeps in
 * {@code ChannelOutboundBuffer}): the cap on queued bytes and its admission, the queue of {@link WriteRequest}s,
 * the gathering batch of the one raw write in flight, and the {@code drain()} waiters released at the low watermark.
 * It does no I/O: {@link WritePump} sends its batches.
 *
 * <p>The queue and the batch are the executor's. The count of queued bytes is reserved by {@code write} on the
 * calling thread, so that the cap holds however many threads write, and released on the executor as the transport
 * takes the bytes.
 */
final class OutboundBuffer {

    /** The most buffers in one gathering write. */
    private static final int MAX_GATHER = 64;
    /**
     * The most bytes of one large buffer in one write: the JDK copies a heap buffer whole into a temporary direct
     * buffer before each write, so a bigger window would be copied again on every partial write, and a direct
     * buffer that large cached per I/O thread.
     */
    private static final int MAX_WRITE_SLICE = 256 * 1024;

    private static final VarHandle QUEUED_BYTES;

    static {
        try {
            QUEUED_BYTES = MethodHandles.lookup().findVarHandle(OutboundBuffer.class, "queuedBytes", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Executor executor;
    private final long cap;
    private final long lowWatermark;
    private final ArrayDeque<WriteRequest> writes = new ArrayDeque<>(3); // grows under pipelined writes
    /** The buffers of the write in flight; grows to {@link #MAX_GATHER} only for connections that gather. */
    private ByteBuffer[] batch = new ByteBuffer[2];
    private int batchCount;
    /**
     * Bytes accepted by {@code write} and not yet sent, those of writes still on their way to the executor
     * included.
     */
    private volatile long queuedBytes;
    /**
     * The part of {@code queuedBytes} held by requests in the queue, released when the connection closes (the JDK
     * may still be moving an in-flight buffer's position then, so it is not counted from the buffers).
     */
    private long bytesInQueue;
    private List<AsyncFuture<Void>> drainWaiters;

    /**
     * @param executor     the connection's executor, where finished writes and released drain waiters are settled
     * @param cap          the most bytes queued before writes are refused
     * @param lowWatermark the queued bytes at or below which {@code drain()} waiters are released
     */
    OutboundBuffer(Executor executor, long cap, long lowWatermark) {
        this.executor = executor;
        this.cap = cap;
        this.lowWatermark = lowWatermark;
    }

    // ------------------------------------------------------------------------------------------ any thread

    /**
     * Counts {@code size} bytes of a write into the queue; {@code false} if the bytes already queued have reached the
     * cap. A write is admitted whatever its own size while the queue is below the cap, so that one large write, which
     * the caller already holds in memory, is never refused for good: the queue holds at most the cap plus one write.
     */
    boolean reserve(long size) {
        while (true) {
            long queued = queuedBytes;
            if (queued >= cap && size > 0) {
                return false;
            }
            if (QUEUED_BYTES.weakCompareAndSet(this, queued, queued + size)) {
                return true;
            }
        }
    }

    /** Gives back bytes reserved for a write that will not be queued, or that the transport took. */
    void release(long bytes) {
        QUEUED_BYTES.getAndAdd(this, -bytes);
    }

    long queuedBytes() {
        return queuedBytes;
    }

    /** Whether a {@code drain()} would complete at once. */
    boolean atOrBelowLowWatermark() {
        return queuedBytes <= lowWatermark;
    }

    // ------------------------------------------------------------------------------------------ the executor

    boolean isEmpty() {
        return writes.isEmpty();
    }

    /** Queues a write whose bytes were reserved. */
    void add(WriteRequest w) {
        writes.add(w);
        bytesInQueue += w.size;
    }

    /** Drops a queued write that was given up before the transport started on it; {@code false} if not queued. */
    boolean remove(WriteRequest w) {
        if (!writes.remove(w)) {
            return false;
        }
        drop(w);
        releaseDrainWaiters();
        return true;
    }

    private void drop(WriteRequest w) {
        bytesInQueue -= w.size;
        release(w.size);
        w.state = WriteRequest.State.DONE;
    }

    /**
     * Puts the first queued requests into the gathering batch and marks them in flight, dropping those given up from
     * another thread whose give-up has not reached the executor yet (once in flight, their give-up would abort the
     * connection). A large buffer goes in as a window of {@link #MAX_WRITE_SLICE} bytes. Returns how many buffers
     * the batch holds, 0 if give-ups left none.
     */
    int fillBatch() {
        int i = 0;
        long bytes = 0;
        for (Iterator<WriteRequest> it = writes.iterator(); it.hasNext(); ) {
            WriteRequest w = it.next();
            if (i == MAX_GATHER || bytes >= MAX_WRITE_SLICE) {
                break;
            }
            if (w.state == WriteRequest.State.QUEUED && w.givenUpOrDone()) {
                it.remove();
                drop(w);
                continue;
            }
            if (i == batch.length) {
                batch = Arrays.copyOf(batch, Math.min(MAX_GATHER, i * 4));
            }
            w.state = WriteRequest.State.IN_FLIGHT;
            ByteBuffer b = w.buffer;
            if (b.remaining() > MAX_WRITE_SLICE) {
                b = b.duplicate();
                b.limit(b.position() + MAX_WRITE_SLICE);
            }
            batch[i++] = b;
            bytes += b.remaining();
        }
        batchCount = i;
        return i;
    }

    /** The buffers of the batch {@link #fillBatch} filled. */
    ByteBuffer[] batch() {
        return batch;
    }

    /**
     * The transport took {@code n} bytes of the batch: moves each request past the bytes its window sent, releases
     * the bytes, and settles the writes now complete, as tasks queued on the executor.
     */
    void sent(long n) {
        advanceWindows();
        clearBatch();
        if (n > 0) {
            bytesInQueue -= n;
            release(n);
        }
        WriteRequest head;
        while ((head = writes.peek()) != null && !head.buffer.hasRemaining()) {
            writes.poll();
            head.state = WriteRequest.State.DONE;
            executor.execute(head);
        }
    }

    private void advanceWindows() {
        int i = 0;
        for (WriteRequest w : writes) {
            if (i == batchCount) {
                break;
            }
            ByteBuffer sent = batch[i++];
            if (sent != w.buffer) {
                w.buffer.position(sent.position());
            }
        }
    }

    /** Forgets the batch's buffers, so that the connection does not keep the caller's buffers alive. */
    void clearBatch() {
        Arrays.fill(batch, 0, batchCount, null);
        batchCount = 0;
    }

    /**
     * When the connection closes: empties the queue, releasing its bytes, and fails the queued writes and the drain
     * waiters with {@code failure}, in a task queued on the executor.
     */
    void close(Throwable failure) {
        List<WriteRequest> dropped = new ArrayList<>(writes);
        writes.clear();
        release(bytesInQueue);
        bytesInQueue = 0;
        List<AsyncFuture<Void>> drains = drainWaiters;
        drainWaiters = null;
        executor.execute(() -> {
            for (WriteRequest w : dropped) {
                w.fail(failure);
            }
            if (drains != null) {
                for (AsyncFuture<Void> d : drains) {
                    d.settleExceptionally(failure);
                }
            }
        });
    }

    /** Releases {@code waiter} at once if queued output is at or below the low watermark, else when it gets there. */
    void addDrainWaiter(AsyncFuture<Void> waiter) {
        if (atOrBelowLowWatermark()) {
            waiter.settle(null);
            return;
        }
        if (drainWaiters == null) {
            drainWaiters = new ArrayList<>(2);
        }
        drainWaiters.add(waiter);
    }

    void removeDrainWaiter(AsyncFuture<Void> waiter) {
        if (drainWaiters != null) {
            drainWaiters.remove(waiter);
        }
    }

    /** Releases the drain waiters, as a task on the executor, if queued output is down to the low watermark. */
    void releaseDrainWaiters() {
        if (drainWaiters == null || !atOrBelowLowWatermark()) {
            return;
        }
        List<AsyncFuture<Void>> waiters = drainWaiters;
        drainWaiters = null;
        executor.execute(() -> {
            for (AsyncFuture<Void> w : waiters) {
                w.settle(null);
            }
        });
    }
}
