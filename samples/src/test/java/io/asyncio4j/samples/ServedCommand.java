package io.asyncio4j.samples;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A sample server command serving on another thread, as from a command line, until the test closes it as a signal
 * would; its port is read from its {@code listening on HOST:PORT} line.
 *
 * <pre>{@code
 * HttpServerCommand command = CommandLine.populateCommand(new HttpServerCommand(), "--port", "0", ...);
 * try (ServedCommand served = ServedCommand.start(command::serve)) {
 *     ... served.port() ...
 * }
 * }</pre>
 */
public final class ServedCommand implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final PrintedLines printed = new PrintedLines();
    private final CompletableFuture<Void> stop = new CompletableFuture<>();
    private final CompletableFuture<Integer> exit;
    private final int port;

    private ServedCommand(BiFunction<PrintStream, CompletableFuture<Void>, Integer> serve) throws Exception {
        exit = CompletableFuture.supplyAsync(() -> serve.apply(printed.stream(), stop));
        String listening = printed.await(line -> line.startsWith("listening on "), WAIT);
        port = Integer.parseInt(listening.substring(listening.lastIndexOf(':') + 1));
    }

    /**
     * Runs {@code serve} (a server command's {@code serve} method) until it listens.
     *
     * @param serve the command's {@code serve(out, stop)}
     * @return the running command
     * @throws Exception if it printed no {@code listening on} line in time
     */
    public static ServedCommand start(BiFunction<PrintStream, CompletableFuture<Void>, Integer> serve)
            throws Exception {
        return new ServedCommand(serve);
    }

    /** @return the port of its (first) listener */
    public int port() {
        return port;
    }

    /** @return what it printed so far */
    public PrintedLines printed() {
        return printed;
    }

    /** Stops it as SIGTERM would, and checks that it exited with status 0. */
    @Override
    public void close() throws Exception {
        stop.complete(null);
        assertThat(exit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isZero();
    }
}
