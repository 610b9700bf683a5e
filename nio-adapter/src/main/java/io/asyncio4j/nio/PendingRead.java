package io.asyncio4j.nio;

import io.asyncio4j.AsyncFuture;

import java.nio.ByteBuffer;
import java.util.Locale;

/**
 * One user read waiting on a connection's {@link InboundBuffer}; each read form ({@code read(max)},
 * {@code readLine}, {@code skip}...) is a subclass that says, in {@link #claim}, what it takes from the buffer and
 * what its outcome is.
 *
 * <p>On the connection's executor, {@link #tryClaim} takes the bytes the read needs (or decides its failure); the
 * outcome is delivered there too, at once or as a task queued behind the current one. The bytes taken are
 * remembered until delivery, so that giving the read up (a cancel, or a completion from outside such as
 * {@code orTimeout}, from any thread) winning the race against delivery can put them back: no byte is lost to a
 * read given up. The race is decided by the future's gate: the delivery settles it, a give-up claims it. The read
 * is also its future's cancellation action ({@link #run}).
 *
 * <p>Its life: waiting, then claimed (its outcome decided, not yet delivered), then retired by the connection
 * ({@link #retire}), which puts the claimed bytes back if a give-up beat the delivery.
 *
 * @param <T> the result type
 */
abstract class PendingRead<T> implements Runnable {

    private enum State { WAITING, CLAIMED, RETIRED }

    static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();

    /** Cancelling it runs this read ({@link #run}): no object per read for the hook, no atomic update to set it. */
    final AsyncFuture<T> future = new AsyncFuture<>(this);
    private State state = State.WAITING;
    /** The connection it waits on; set when the read starts. */
    private StreamConnection owner;
    /** The bytes consumed by the claim, to put back if the delivery loses to a give-up. */
    private ByteBuffer taken;
    private T value;
    private Throwable failure;
    /**
     * Set by the first {@link #run} that found the future given up, before the connection hears of it: a give-up
     * claims the future's gate before the future completes, so {@code isDone()} would come too late.
     */
    private volatile boolean givenUp;

    /** Binds the read to the connection it starts on, before it is handed to the executor. */
    final void attach(StreamConnection connection) {
        this.owner = connection;
    }

    /** Whether the read still waits for bytes: not yet claimed, not retired. */
    final boolean isWaiting() {
        return state == State.WAITING;
    }

    /**
     * Tries to complete from the buffer. Returns whether the read has its outcome; {@code eof} and
     * {@code streamFailure} describe the stream after the buffered bytes.
     */
    final boolean tryClaim(InboundBuffer in, boolean eof, Throwable streamFailure) {
        if (!claim(in, eof, streamFailure)) {
            return false;
        }
        state = State.CLAIMED;
        return true;
    }

    /** Subclasses set the outcome with {@link #succeed} or {@link #fail} and return {@code true}. */
    abstract boolean claim(InboundBuffer in, boolean eof, Throwable streamFailure);

    /**
     * While this read waits and nothing is buffered: takes what it wants straight from the bytes a raw read just
     * returned ({@code read}, flipped), without a chunk in between. Returns whether it has its outcome.
     */
    final boolean tryClaimFromRead(ByteBuffer read) {
        if (!claimFromRead(read)) {
            return false;
        }
        state = State.CLAIMED;
        return true;
    }

    /** Reads that can take bytes without a chunk in between override this; the others leave them to the buffer. */
    boolean claimFromRead(ByteBuffer read) {
        return false;
    }

    final boolean succeed(T result, ByteBuffer consumed) {
        this.value = result;
        this.taken = consumed;
        return true;
    }

    final boolean fail(Throwable cause, ByteBuffer consumed) {
        this.failure = cause;
        this.taken = consumed;
        return true;
    }

    /**
     * Puts the claimed bytes back at the front of {@code in}, after a give-up beat the delivery. The bytes are
     * exactly those the claim took, so the stream reads as if this read had never happened.
     */
    void restore(InboundBuffer in) {
        if (taken != null) {
            in.pushFront(taken);
        }
    }

    /**
     * Called once a give-up has won, on the giving-up thread before the give-up returns and on the executor before
     * a restore: after it, the connection no longer touches a buffer the caller owns. Nothing to do for reads into
     * the connection's own buffers.
     */
    void letGoOfCallerBuffer() {
    }

    /** Fails a read still waiting, when the connection closes. */
    final void failWaiting(Throwable cause) {
        this.failure = cause;
        this.state = State.CLAIMED;
    }

    /**
     * On the executor, once the read is over for the connection (delivered, given up, or replaced by the next
     * read): puts back the claimed bytes if a give-up beat the delivery, and forgets them.
     */
    final void retire(InboundBuffer in) {
        if (state == State.CLAIMED && givenUp) {
            restore(in);
        }
        taken = null;
        state = State.RETIRED;
    }

    /**
     * Delivers the outcome (on the connection's executor); on a read given up (as the future's cancellation action,
     * run by the give-up before the future completes, or a delivery the give-up beat) lets go of the caller's buffer
     * and detaches the read from the connection, which puts back what it had claimed.
     */
    @Override
    public final void run() {
        // As the cancellation action the gate is already claimed, so the settle is refused whatever the fields hold.
        boolean delivered = failure == null ? future.settle(value) : future.settleExceptionally(failure);
        if (!delivered) {
            givenUp = true;
            letGoOfCallerBuffer();
            owner.readCancelled(this);
        }
    }

    /** Whether this read is over from the connection's point of view: given up, or its future complete. */
    final boolean finished() {
        return givenUp || future.isDone();
    }

    /** For diagnostics: the form and the state, as {@code "LineRead waiting"}. */
    @Override
    public String toString() {
        return getClass().getSimpleName() + " " + state.name().toLowerCase(Locale.ROOT);
    }
}
