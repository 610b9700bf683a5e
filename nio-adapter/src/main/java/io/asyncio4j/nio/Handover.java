package io.asyncio4j.nio;

import io.asyncio4j.AsyncFuture;

import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.UnaryOperator;

/**
 * One switch of a connection to a new layer on top of its transport (StartTLS, a protocol switch), from the request
 * until it is carried out: the layer, the future of the switch, and the step that gives the layer the raw stream.
 * See {@link StreamConnection#replaceTransport}.
 */
final class Handover {

    private final UnaryOperator<ByteTransport> layer;
    private final AsyncFuture<Void> done = new AsyncFuture<>();

    Handover(UnaryOperator<ByteTransport> layer) {
        this.layer = Objects.requireNonNull(layer, "layer");
    }

    AsyncFuture<Void> future() {
        return done;
    }

    /** The switch will not happen: the connection closed, or refused it. */
    void fail(Throwable cause) {
        done.settleExceptionally(cause);
    }

    /**
     * On the connection's executor, with no write queued or in flight and the read pump held: takes the raw bytes
     * not read yet and the raw read in flight from {@code reads}, puts the layer on them, and returns the transport
     * the connection uses from now on. If the layer throws, that is the prefixed raw transport itself, nothing lost,
     * and the switch fails. The future is settled as a task on {@code executor}, after the caller's bookkeeping.
     */
    ByteTransport carryOut(ReadPump reads, Executor executor) {
        PrefixedTransport lower = reads.handOver();
        ByteTransport top;
        Throwable failure;
        try {
            top = Objects.requireNonNull(layer.apply(lower), "the layer returned no transport");
            failure = null;
        } catch (RuntimeException e) {
            top = lower;
            failure = e;
        }
        Throwable refused = failure;
        executor.execute(() -> {
            if (refused == null) {
                done.settle(null);
            } else {
                done.settleExceptionally(refused);
            }
        });
        return top;
    }
}
