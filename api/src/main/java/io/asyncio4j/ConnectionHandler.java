package io.asyncio4j;

import java.util.concurrent.CompletionStage;

/**
 * Serves one accepted connection, like the callback given to asyncio's {@code start_server}.
 *
 * <p>When the returned stage completes normally the server flushes the connection's queued output and closes
 * it. When the handler throws, or the stage fails, the failure is logged once with the peer's address and the
 * connection is aborted; the server keeps serving. The handler is called on the connection's executor, so it
 * never runs concurrently with that connection's other callbacks. With the NIO.2 event loop it is called on the
 * listener's accept thread, which accepts nothing else until it returns: start the work (a read, a write) and
 * return; what follows runs on the loop's threads.
 */
@FunctionalInterface
public interface ConnectionHandler {

    /**
     * Starts serving {@code connection}.
     *
     * @param connection the accepted connection
     * @return a stage that completes when the handler is done with the connection; {@code null} means done now
     * @throws Exception to abort the connection
     */
    CompletionStage<?> handle(Connection connection) throws Exception;
}
