package io.asyncio4j.nio;

import io.asyncio4j.AsyncFuture;

import java.nio.ByteBuffer;

/**
 * One queued {@code write}: its bytes, its future, and whether the socket has started sending it. It is both the
 * delivery run on the connection's executor once the bytes are sent and its future's cancellation action.
 */
final class WriteRequest implements Runnable {

    enum State { QUEUED, IN_FLIGHT, DONE }

    final ByteBuffer buffer;
    /** The bytes {@code write} reserved for it: {@code buffer}'s remaining bytes when it was written. */
    final long size;
    /** Cancelling it runs this request ({@link #run}), which calls {@code writeCancelled}. */
    final AsyncFuture<Void> future = new AsyncFuture<>(this);
    State state = State.QUEUED;
    private final StreamConnection owner;

    WriteRequest(ByteBuffer buffer, StreamConnection owner) {
        this.buffer = buffer;
        this.size = buffer.remaining();
        this.owner = owner;
    }

    /**
     * Settles the future once the bytes are handed to the socket (on the connection's executor). As the future's
     * cancellation action (any give-up: a cancel, {@code orTimeout}, a completion from outside), hands the give-up to
     * the connection, which drops the write if it is still only queued and aborts the connection if the socket had
     * started sending it; a delivery that finds the future given up makes the same call, which then does nothing
     * (the write is done).
     */
    @Override
    public void run() {
        if (!future.settle(null)) {
            owner.writeCancelled(this);
        }
    }

    /**
     * Whether the write is over before the socket started on it: given up (from the moment the give-up claims its
     * future, before its action reaches the connection) or complete.
     */
    boolean givenUpOrDone() {
        return future.isGivenUp() || future.isDone();
    }

    /** Fails the write (on the connection's executor); a write given up keeps its outcome. */
    void fail(Throwable failure) {
        state = State.DONE;
        future.settleExceptionally(failure);
    }
}
