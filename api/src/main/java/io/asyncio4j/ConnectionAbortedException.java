package io.asyncio4j;

import java.nio.channels.AsynchronousCloseException;

/**
 * An operation failed because its connection was aborted while it was pending: by {@code abort()}, by a failed
 * handler, by a cancelled partly-written write, or by a server closing it at its deadline. The reason is the
 * message; the failure that caused the abort, if any, is the cause.
 */
public final class ConnectionAbortedException extends AsynchronousCloseException {

    /** Why the connection was aborted: the message. */
    private final String reason;

    /**
     * Creates the exception.
     *
     * @param reason why the connection was aborted
     * @param cause  the failure behind it, or {@code null}
     */
    public ConnectionAbortedException(String reason, Throwable cause) {
        this.reason = reason;
        if (cause != null) {
            initCause(cause);
        }
    }

    @Override
    public String getMessage() {
        return reason;
    }
}
