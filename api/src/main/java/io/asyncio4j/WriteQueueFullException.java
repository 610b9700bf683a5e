package io.asyncio4j;

import java.io.IOException;

/**
 * A write was refused because the connection's queued output had reached its hard cap: the writer ignored
 * {@code drain()}. A write is admitted, whatever its size, while the bytes already queued are below the cap, so a
 * writer that waits on {@code drain()} between writes never sees this. The write was not queued, no byte of it
 * was sent, and the connection is unchanged: wait on {@code drain()} before writing more.
 */
public final class WriteQueueFullException extends IOException {

    /** Bytes already queued when the write was refused. */
    private final long queued;
    /** Bytes the refused write carried. */
    private final long requested;
    /** The cap on queued bytes. */
    private final long cap;

    /**
     * Creates the exception.
     *
     * @param queued    bytes already queued
     * @param requested bytes the refused write carried
     * @param cap       the configured cap on queued bytes, which {@code queued} has reached
     */
    public WriteQueueFullException(long queued, long requested, long cap) {
        super("write of " + requested + " bytes refused: " + queued + " bytes already queued, at or above the cap of "
                + cap + " (wait for drain() before writing more)");
        this.queued = queued;
        this.requested = requested;
        this.cap = cap;
    }

    /**
     * Returns the bytes that were queued when the write was refused.
     *
     * @return queued bytes
     */
    public long queued() {
        return queued;
    }

    /**
     * Returns the size of the refused write.
     *
     * @return requested bytes
     */
    public long requested() {
        return requested;
    }

    /**
     * Returns the cap on queued output.
     *
     * @return the cap in bytes
     */
    public long cap() {
        return cap;
    }
}
