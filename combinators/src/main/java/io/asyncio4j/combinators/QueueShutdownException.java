package io.asyncio4j.combinators;

/**
 * Thrown, or used to fail a future, when an {@link AsyncQueue} that was shut down is put to, or got from once
 * there is nothing left to get (asyncio {@code QueueShutDown}).
 */
public final class QueueShutdownException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was refused
     */
    public QueueShutdownException(String message) {
        super(message);
    }
}
