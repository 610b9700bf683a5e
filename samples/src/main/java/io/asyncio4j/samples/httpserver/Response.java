package io.asyncio4j.samples.httpserver;

import io.asyncio4j.AsyncFuture;

/**
 * A response chosen for a request and ready to be queued on its connection: choosing it (opening the file, say)
 * and sending it are two steps, so that the last response of a connection can be sent with a linger after it.
 */
@FunctionalInterface
interface Response {

    /**
     * Queues the response and waits until the connection's queued output is down to its drain watermark.
     *
     * @return a future of whether the connection stays open: {@code false} if the response asked to close it or
     *         the connection refused a write; it fails with the connection's failure or a file read's
     */
    AsyncFuture<Boolean> send();
}
