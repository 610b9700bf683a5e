package io.asyncio4j.nio;

import io.asyncio4j.AsyncFuture;

import java.nio.ByteBuffer;

/** One queued {@code write}: its bytes, its future, and whether the socket has started sending it. */
final class WriteRequest implements Runnable {

    enum State { QUEUED, IN_FLIGHT, DONE }

    final ByteBuffer buffer;
    final AsyncFuture<Void> future = new AsyncFuture<>();
    State state = State.QUEUED;

    WriteRequest(ByteBuffer buffer) {
        this.buffer = buffer;
    }

    /** Completes the future once the bytes are handed to the socket; runs on the connection's executor. */
    @Override
    public void run() {
        future.complete(null);
    }
}
