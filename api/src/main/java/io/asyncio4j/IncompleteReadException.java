package io.asyncio4j;

import java.io.EOFException;

/**
 * The stream ended before an exact-length read was satisfied (asyncio's {@code IncompleteReadError}).
 *
 * <p>The bytes that did arrive are carried in {@link #partial()}; they have been consumed from the stream.
 */
public final class IncompleteReadException extends EOFException {

    /** The bytes read before the end of the stream. */
    private final byte[] partial;
    /** How many bytes the read asked for. */
    private final long expected;

    /**
     * Creates the exception.
     *
     * @param partial  the bytes read before the end of the stream (not copied)
     * @param expected how many bytes were asked for
     */
    public IncompleteReadException(byte[] partial, long expected) {
        super(partial.length + " bytes read on " + expected + " expected bytes");
        this.partial = partial;
        this.expected = expected;
    }

    /**
     * Returns the bytes read before the end of the stream.
     *
     * @return the partial bytes, never {@code null}; the array is not copied
     */
    public byte[] partial() {
        return partial;
    }

    /**
     * Returns how many bytes the read asked for.
     *
     * @return the expected count
     */
    public long expected() {
        return expected;
    }
}
