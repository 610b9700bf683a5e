package io.asyncio4j;

import java.io.IOException;

/**
 * A delimited read found no delimiter within its limit, or a read-to-end saw more than its limit (asyncio's
 * {@code LimitOverrunError}).
 *
 * <p>Nothing is lost: the buffered bytes stay in the stream. {@link #consumed()} says how many bytes the caller
 * has to discard (for instance with {@code readExactly}) to move past the overrun, asyncio's {@code consumed}.
 */
public final class LimitOverrunException extends IOException {

    /** How many buffered bytes belong to the overrunning record. */
    private final long consumed;
    /** The limit that was overrun. */
    private final long limit;

    /**
     * Creates the exception.
     *
     * @param message  what was overrun
     * @param consumed how many buffered bytes belong to the overrunning record
     * @param limit    the limit that was overrun
     */
    public LimitOverrunException(String message, long consumed, long limit) {
        super(message);
        this.consumed = consumed;
        this.limit = limit;
    }

    /**
     * Returns how many bytes are to be consumed to move past the overrun: up to and including the delimiter if it
     * was found beyond the limit, else the bytes examined so far.
     *
     * @return the consumed count
     */
    public long consumed() {
        return consumed;
    }

    /**
     * Returns the limit that was overrun.
     *
     * @return the limit in bytes
     */
    public long limit() {
        return limit;
    }
}
