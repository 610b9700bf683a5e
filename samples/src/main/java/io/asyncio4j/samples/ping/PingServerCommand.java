package io.asyncio4j.samples.ping;

import io.asyncio4j.Server;
import io.asyncio4j.nio.EventLoop;
import io.asyncio4j.samples.cli.DurationConverter;
import io.asyncio4j.samples.cli.ListenOptions;
import io.asyncio4j.samples.cli.ServerCommand;
import io.asyncio4j.samples.cli.ServerRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** {@code ping-server}: prints what each client sends; closes connections idle for too long. */
@Command(name = "ping-server", mixinStandardHelpOptions = true,
        description = "Ping server: prints each chunk each client sends; closes a connection idle for"
                + " --idle-timeout.",
        footer = DurationConverter.SYNTAX)
public final class PingServerCommand extends ServerCommand {

    @Mixin
    ListenOptions listen = new ListenOptions(10001);

    @Option(names = "--idle-timeout", paramLabel = "DURATION", defaultValue = "5s", converter = DurationConverter.class,
            description = "Close a connection that sends nothing for this long; 0 for never"
                    + " (default: ${DEFAULT-VALUE}).")
    Duration idleTimeout;

    @Override
    protected int serve(PrintStream out, CompletableFuture<Void> stop) {
        Server server = ServerRunner.listen(listen,
                (host, port) -> PingServer.start(EventLoop.defaultLoop(), host, port, idleTimeout, out));
        return ServerRunner.serve(out, List.of(server), stop, null);
    }
}
