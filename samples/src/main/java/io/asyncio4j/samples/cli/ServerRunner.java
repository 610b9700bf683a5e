package io.asyncio4j.samples.cli;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.io.PrintStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * How every sample server runs from the command line: start listening or fail with one line naming the address,
 * print {@code listening on HOST:PORT} ({@code [::1]:PORT} for IPv6) for each listener before anything else, serve
 * until SIGINT or SIGTERM, then stop accepting, give in-flight work a grace period, and return exit code 0.
 */
public final class ServerRunner {

    private static final Logger log = LoggerFactory.getLogger(ServerRunner.class);

    /** How long in-flight work may take after a stop signal before the remaining connections are aborted. */
    public static final Duration GRACE = Duration.ofSeconds(3);

    private ServerRunner() {
    }

    /**
     * Runs {@code start}, which listens on {@code host:port}, and turns its failure into one line naming the address.
     *
     * @param host  the address to bind, as the user gave it
     * @param port  the port
     * @param start starts the server and waits until it listens
     * @param <T>   what {@code start} returns
     * @return what {@code start} returned
     * @throws CommandFailure if {@code start} failed: {@code HOST:PORT is already in use}, or
     *                        {@code cannot listen on HOST:PORT: REASON} (an unknown host, an address not of this
     *                        machine, any other reason the system gave)
     */
    public static <T> T listen(String host, int port, Supplier<T> start) {
        try {
            return start.get();
        } catch (RuntimeException e) {
            throw new CommandFailure(cannotListen(HostPort.of(host, port), OneLineErrors.unwrap(e)), e);
        }
    }

    /**
     * Runs {@code start} with the address of {@code at}, and turns its failure into one line naming the address.
     *
     * @param at    the {@code --host} and {@code --port} the user gave
     * @param start starts the server on a host and port and waits until it listens
     * @param <T>   what {@code start} returns
     * @return what {@code start} returned
     * @throws CommandFailure if {@code start} failed, as {@link #listen(String, int, Supplier)} says
     */
    public static <T> T listen(ListenOptions at, BiFunction<String, Integer, T> start) {
        return listen(at.host(), at.port(), () -> start.apply(at.host(), at.port()));
    }

    static String cannotListen(String address, Throwable failure) {
        String message = failure.getMessage() == null ? "" : failure.getMessage();
        if (failure instanceof BindException && message.contains("already in use")) {
            return address + " is already in use";
        }
        if (failure instanceof BindException && message.contains("assign requested address")) {
            return "cannot listen on " + address + ": not an address of this machine";
        }
        if (failure instanceof UnknownHostException) {
            return "cannot listen on " + address + ": unknown host";
        }
        return "cannot listen on " + address + ": " + OneLineErrors.describe(failure);
    }

    /**
     * Prints the listening lines of {@code servers} on {@code out}, then blocks until SIGINT/SIGTERM (or until
     * {@code stop} completes), closes the servers gracefully and returns.
     *
     * @param out     where the listening lines go (standard output)
     * @param servers the running servers
     * @param stop    completes to stop without a signal (tests); may be {@code null}
     * @param onStop  runs once the servers stopped accepting, before the grace period (may be {@code null})
     * @return the exit code, 0
     */
    public static int serve(PrintStream out, List<Server> servers, CompletableFuture<Void> stop, Runnable onStop) {
        for (Server s : servers) {
            out.println("listening on " + HostPort.of((InetSocketAddress) s.address()));
        }
        out.flush();
        CompletableFuture<Void> stopping = stop != null ? stop : new CompletableFuture<>();
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                Signal.handle(new Signal(name), sig -> stopping.complete(null));
            } catch (IllegalArgumentException unsupported) {
                log.debug("signal {} cannot be handled here", name);
            }
        }
        stopping.join();
        log.info("stopping: no new connections, {} s for in-flight work", GRACE.toSeconds());
        List<AsyncFuture<Void>> closing = new ArrayList<>();
        for (Server s : servers) {
            s.close();
        }
        if (onStop != null) {
            onStop.run();
        }
        for (Server s : servers) {
            closing.add(s.closeGracefully(GRACE));
        }
        for (AsyncFuture<Void> c : closing) {
            try {
                c.get(GRACE.toMillis() + 2000, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                log.warn("a server did not release everything in time", e);
            }
        }
        return 0;
    }
}
