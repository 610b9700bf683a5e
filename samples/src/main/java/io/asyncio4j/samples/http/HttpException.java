package io.asyncio4j.samples.http;

import java.io.IOException;

/**
 * A message broke the protocol or one of the {@link HttpLimits}: the status a server answers with (400, 413,
 * 414, 431, 501, 505) and a short reason. After one, the framing of the connection cannot be trusted: answer
 * (a server) and close.
 */
public final class HttpException extends IOException {

    private final int status;

    /**
     * Creates the exception.
     *
     * @param status  the status that answers it
     * @param message what was wrong, one short line
     */
    public HttpException(int status, String message) {
        super(message);
        this.status = status;
    }

    /**
     * Returns the status a server answers with.
     *
     * @return the status code
     */
    public int status() {
        return status;
    }
}
