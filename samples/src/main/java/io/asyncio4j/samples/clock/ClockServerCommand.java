package io.asyncio4j.samples.clock;

import io.asyncio4j.nio.EventLoop;
import io.asyncio4j.samples.cli.DurationConverter;
import io.asyncio4j.samples.cli.ServerRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/** {@code clock-server}: sends every client the time once per interval until it disconnects. */
@Command(name = "clock-server", mixinStandardHelpOptions = true,
        description = "Clock server (seed 004, exercise 1): sends every client the time once per interval.")
public final class ClockServerCommand implements Callable<Integer> {

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8889", description = "Port, 0 for any (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--interval", defaultValue = "1s", converter = DurationConverter.class,
            description = "Time between two lines (default: ${DEFAULT-VALUE}).")
    Duration interval;

    @Override
    public Integer call() {
        return serve(System.out, null);
    }

    /**
     * Serves until a signal or {@code stop}; on stop, every client's ticker ends and its connection is closed.
     *
     * @param out  standard output
     * @param stop completes to stop (tests); may be {@code null}
     * @return the exit code
     */
    int serve(PrintStream out, CompletableFuture<Void> stop) {
        ClockServer clock = ClockServer.start(EventLoop.defaultLoop(), host, port, interval,
                Clock.systemDefaultZone(), out);
        return ServerRunner.serve(out, List.of(clock.server()), stop, clock::stopClients);
    }
}
