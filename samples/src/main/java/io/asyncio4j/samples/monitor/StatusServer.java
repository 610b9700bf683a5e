package io.asyncio4j.samples.monitor;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.Server;
import io.asyncio4j.nio.EventLoop;

import java.util.function.LongSupplier;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

/**
 * The monitor's status server: to each connection it sends
 * {@code <remaining> bottles\r\n} and closes.
 */
public final class StatusServer {

    private StatusServer() {
    }

    /**
     * Starts the server on {@code loop}.
     *
     * @param loop      the event loop
     * @param host      the address to bind
     * @param port      the port, 0 for any
     * @param remaining read once per connection, from the connection's thread
     * @return a future of the running server
     */
    public static AsyncFuture<Server> start(EventLoop loop, String host, int port, LongSupplier remaining) {
        // client.send(("{} bottles\r\n".format(bottles)).encode('latin-1')); client.close()
        return loop.listen(host, port, conn -> conn.write(remaining.getAsLong() + " bottles\r\n", ISO_8859_1));
    }
}
