package io.asyncio4j.samples.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * A command that runs a server until SIGINT or SIGTERM, as {@link ServerRunner#serve} does; a test calls
 * {@link #serve} with output of its own and a future that stops the server as a signal would.
 */
public abstract class ServerCommand implements Callable<Integer> {

    /**
     * Serves, printing on standard output, until a signal.
     *
     * @return the exit code, 0
     */
    @Override
    public final Integer call() {
        return serve(System.out, null);
    }

    /**
     * Starts the server, prints its listening lines and serves until a signal or {@code stop}.
     *
     * @param out  standard output
     * @param stop completes to stop as a signal would (tests); may be {@code null}
     * @return the exit code, 0
     * @throws CommandFailure if the server cannot listen
     */
    protected abstract int serve(PrintStream out, CompletableFuture<Void> stop);
}
