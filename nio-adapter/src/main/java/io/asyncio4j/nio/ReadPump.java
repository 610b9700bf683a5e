package io.asyncio4j.nio;

import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.CompletionHandler;

/**
 * The read side of a connection: keeps one raw read in flight on the transport while the {@link InboundBuffer} is
 * below the high watermark or a reader waits, appends what arrives to the buffer, and hands bytes to the one
 * waiting {@link PendingRead}.
 *
 * <p>Confined to the connection's executor: every method runs there, and the raw read's completion is handed
 * there. A transport may complete a read inline, inside {@code read} on the executor's own thread, or later from any
 * thread; either way the completion is queued to the executor (behind the running task when already on it), so a
 * transport that completes inline does not grow the stack.
 *
 * <p>A hand-over ({@link #hold}, {@link #handOver}, {@link #resume}) gives the raw bytes not yet read, and the raw
 * read still in flight, to a new layer: see {@link PrefixedTransport}.
 */
final class ReadPump {

    private final StreamConnection connection;
    private final ConnectionExecutor executor;
    private final long highWatermark;
    private final InboundBuffer inbound = new InboundBuffer();
    private final ReadSizer sizer = new ReadSizer();
    private ByteTransport transport;
    private RawRead rawRead = new RawRead();
    private PendingRead<?> reader;
    private boolean readInFlight;
    private boolean eof;
    private Throwable readFailure;
    /** While a hand-over waits: no raw read is issued and no reader is given bytes, which belong to the new layer. */
    private boolean held;

    ReadPump(StreamConnection connection, ConnectionExecutor executor, ByteTransport transport, long highWatermark) {
        this.connection = connection;
        this.executor = executor;
        this.transport = transport;
        this.highWatermark = highWatermark;
        sizer.heap(transport.wantsHeapBuffers());
    }

    /** Makes {@code r} the reader, completing it from the buffer if it can. */
    void begin(PendingRead<?> r) {
        if (r.finished()) {
            return; // given up on its way from another thread
        }
        PendingRead<?> current = reader;
        if (current != null) {
            if (!current.finished()) {
                r.future.settleExceptionally(new IllegalStateException(
                        "a read is already pending on this connection: one read operation at a time"));
                return;
            }
            retire(current);
        }
        if (connection.isClosed()) {
            r.failWaiting(connection.closeCause());
            executor.execute(r);
            return;
        }
        reader = r;
        if (!held && r.tryClaim(inbound, eof, readFailure)) {
            executor.execute(r); // queued, not nested: a loop of reads served from the buffer keeps its stack
        }
        readIfWanted();
    }

    /** A read was given up: detaches it, putting back what it had claimed; nothing if it is no longer the reader. */
    void detach(PendingRead<?> r) {
        if (reader != r) {
            return;
        }
        retire(r);
        readIfWanted();
    }

    private void retire(PendingRead<?> r) {
        r.retire(inbound);
        if (reader == r) {
            reader = null;
        }
    }

    /** Whether a user read waits for bytes. */
    boolean readerWaiting() {
        PendingRead<?> r = reader;
        return r != null && r.isWaiting() && !r.finished();
    }

    /** Gives buffered bytes (or the end of the stream) to the waiting reader, if it can use them. */
    private PendingRead<?> claimForReader() {
        PendingRead<?> r = reader;
        if (r == null || held || !r.isWaiting()) {
            return null;
        }
        if (r.finished()) {
            retire(r);
            return null;
        }
        return r.tryClaim(inbound, eof, readFailure) ? r : null;
    }

    /**
     * When a reader that can take bytes straight from a raw read waits and nothing is buffered, gives it the bytes
     * just read: {@code read(dst)} and {@code read(max, allocator)} then cost no chunk per read.
     */
    private PendingRead<?> intoWaitingReader(ByteBuffer read) {
        PendingRead<?> r = reader;
        if (held || inbound.size() != 0 || r == null || !r.isWaiting() || r.finished()) {
            return null;
        }
        return r.tryClaimFromRead(read) ? r : null;
    }

    private boolean shouldRead() {
        return !held && !readInFlight && !eof && readFailure == null && !connection.isClosed()
                && (inbound.size() < highWatermark || reader != null && reader.isWaiting());
    }

    /** Has the raw read issued at the end of this batch, if one is wanted, after the replies the batch wrote. */
    void readIfWanted() {
        if (shouldRead()) {
            executor.runWhenIdle();
        }
    }

    /** From the executor's idle hook: issues the raw read if one is wanted. */
    void issueIfWanted() {
        if (!shouldRead()) {
            return;
        }
        readInFlight = true;
        ByteBuffer buffer = sizer.nextBuffer();
        try {
            transport.read(buffer, buffer, rawRead);
        } catch (RuntimeException e) {
            rawRead.failed(e, buffer);
        }
    }

    /** A raw read returned {@code n} bytes in {@code buffer}, or -1 at the end of the stream. */
    private void readCompleted(int n, ByteBuffer buffer) {
        readInFlight = false;
        if (connection.isClosed()) {
            return;
        }
        PendingRead<?> deliver;
        if (n < 0) {
            eof = true;
            deliver = claimForReader();
        } else {
            connection.active();
            buffer.flip();
            deliver = intoWaitingReader(buffer);
            if (buffer.hasRemaining()) {
                inbound.append(copyOut(buffer));
            }
            sizer.recycle(buffer, n);
            if (deliver == null) {
                deliver = claimForReader();
            }
        }
        readIfWanted();
        if (deliver != null) {
            deliver.run();
        }
    }

    /** Copies the remaining bytes of the raw read's buffer to a heap chunk of exactly that size. */
    private static ByteBuffer copyOut(ByteBuffer buffer) {
        ByteBuffer chunk = ByteBuffer.allocate(buffer.remaining());
        chunk.put(buffer).flip();
        return chunk;
    }

    private void readFailed(Throwable e) {
        readInFlight = false;
        if (e instanceof ClosedChannelException) {
            // Closed underneath us (the loop was closed): nothing more will come, release everything.
            connection.finish(e);
            return;
        }
        if (connection.isClosed()) {
            return;
        }
        readFailure = e;
        PendingRead<?> deliver = claimForReader();
        if (deliver != null) {
            deliver.run();
        }
    }

    /** When the connection closes: the waiting reader, failed with {@code failure}, for the caller to deliver. */
    PendingRead<?> failReader(Throwable failure) {
        PendingRead<?> r = reader;
        if (r == null || !r.isWaiting() || r.finished()) {
            return null;
        }
        r.failWaiting(failure);
        return r;
    }

    /** Stops issuing raw reads and giving bytes to readers until {@link #resume}: a hand-over waits. */
    void hold() {
        held = true;
    }

    /**
     * Takes what the next layer reads first: the raw bytes not read yet, the end of the stream or failure seen after
     * them, and the raw read in flight, whose completion now goes to the returned transport. The pump is left
     * empty, as on a new connection, until {@link #resume}.
     */
    PrefixedTransport handOver() {
        ByteBuffer unread = ByteBuffer.wrap(inbound.take((int) inbound.size()));
        PrefixedTransport lower = new PrefixedTransport(transport, unread, eof, readFailure, readInFlight);
        if (readInFlight) {
            rawRead.redirectTo(lower);
            rawRead = new RawRead();
        }
        readInFlight = false;
        eof = false;
        readFailure = null;
        return lower;
    }

    /** Reads from {@code top} from now on, serving a reader that started during the hand-over. */
    void resume(ByteTransport top) {
        transport = top;
        sizer.heap(top.wantsHeapBuffers());
        held = false;
        PendingRead<?> deliver = claimForReader();
        readIfWanted();
        if (deliver != null) {
            deliver.run();
        }
    }

    /** How many received bytes wait in the buffer. */
    long buffered() {
        return inbound.size();
    }

    /** For diagnostics: the reader, the raw read and the buffer. */
    String describe() {
        PendingRead<?> r = reader;
        return (r == null ? "" : ", " + r) + (readInFlight ? ", raw read in flight" : "")
                + (eof ? ", end of stream" : "") + (readFailure != null ? ", read failed" : "")
                + ", " + inbound.size() + " bytes buffered";
    }

    /**
     * The raw read's handler, and the task that hands its outcome to the executor: one object per connection, since
     * at most one raw read is outstanding and the next is issued only after this task has run.
     */
    private final class RawRead implements CompletionHandler<Integer, ByteBuffer>, Runnable {
        private int count;
        private ByteBuffer buffer;
        private Throwable failure;
        /** Set on the executor when a hand-over gave this read's completion to the next layer. */
        private PrefixedTransport redirect;

        void redirectTo(PrefixedTransport lower) {
            redirect = lower;
        }

        @Override
        public void completed(Integer n, ByteBuffer buf) {
            count = n;
            buffer = buf;
            executor.execute(this);
        }

        @Override
        public void failed(Throwable e, ByteBuffer buf) {
            failure = e;
            buffer = buf;
            executor.execute(this);
        }

        @Override
        public void run() {
            ByteBuffer buf = buffer;
            Throwable e = failure;
            buffer = null;
            failure = null;
            if (redirect != null) {
                redirect.earlierReadCompleted(count, buf, e);
            } else if (e == null) {
                readCompleted(count, buf);
            } else {
                readFailed(e);
            }
        }
    }
}
