package io.asyncio4j.combinators;

/**
 * When {@link Async#wait} returns (asyncio's {@code return_when} constants).
 */
public enum ReturnWhen {

    /** As soon as any stage completes, normally or not ({@code FIRST_COMPLETED}). */
    FIRST_COMPLETED,

    /**
     * As soon as any stage fails with an exception other than a cancellation, or when all have completed if none
     * does ({@code FIRST_EXCEPTION}). As in asyncio, a cancelled stage does not count as an exception.
     */
    FIRST_EXCEPTION,

    /** When every stage has completed ({@code ALL_COMPLETED}). */
    ALL_COMPLETED
}
