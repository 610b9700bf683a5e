package io.asyncio4j.samples.clock;

import io.asyncio4j.nio.EventLoop;
import io.asyncio4j.samples.cli.DurationConverter;
import io.asyncio4j.samples.cli.ListenOptions;
import io.asyncio4j.samples.cli.ServerCommand;
import io.asyncio4j.samples.cli.ServerRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** {@code clock-server}: sends every client the time once per interval until it disconnects. */
@Command(name = "clock-server", mixinStandardHelpOptions = true,
        description = "Clock server: sends every client the time once per interval until it disconnects.",
        footer = DurationConverter.SYNTAX)
public final class ClockServerCommand extends ServerCommand {

    @Mixin
    ListenOptions listen = new ListenOptions(8889);

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "1s",
            converter = DurationConverter.Positive.class,
            description = "Time between two lines to a client (default: ${DEFAULT-VALUE}).")
    Duration interval;

    /** {@inheritDoc} On stop, every client's ticker ends and its connection is closed. */
    @Override
    protected int serve(PrintStream out, CompletableFuture<Void> stop) {
        ClockServer clock = ServerRunner.listen(listen, (host, port) -> ClockServer.start(EventLoop.defaultLoop(),
                host, port, interval, Clock.systemDefaultZone(), out));
        return ServerRunner.serve(out, List.of(clock.server()), stop, clock::stopClients);
    }
}
