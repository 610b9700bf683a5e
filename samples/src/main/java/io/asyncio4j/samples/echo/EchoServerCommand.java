package io.asyncio4j.samples.echo;

import io.asyncio4j.Server;
import io.asyncio4j.TlsOptions;
import io.asyncio4j.nio.EventLoop;
import io.asyncio4j.samples.cli.DurationConverter;
import io.asyncio4j.samples.cli.ListenOptions;
import io.asyncio4j.samples.cli.ServerCommand;
import io.asyncio4j.samples.cli.ServerRunner;
import io.asyncio4j.samples.cli.ServerTlsOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code echo-server}: prints each incoming connection and sends back every byte until the client closes; with
 * {@code --idle-timeout}, also closes a connection idle that long (a client that vanished without closing); with
 * {@code --tls-cert} and {@code --tls-key} (or {@code --tls-keystore}), speaks TLS.
 */
@Command(name = "echo-server", mixinStandardHelpOptions = true,
        description = "Echo server: prints each incoming connection and sends back every byte until the client"
                + " closes.",
        footer = DurationConverter.SYNTAX)
public final class EchoServerCommand extends ServerCommand {

    @Mixin
    ListenOptions listen = new ListenOptions(8080);

    @Mixin
    ServerTlsOptions tls = new ServerTlsOptions();

    @Option(names = "--idle-timeout", paramLabel = "DURATION", defaultValue = "0", converter = DurationConverter.class,
            description = "Close a connection that neither sends nor receives anything for this long, which frees"
                    + " those of clients that vanished without closing; 0 for never (default: ${DEFAULT-VALUE}).")
    Duration idleTimeout;

    @Override
    protected int serve(PrintStream out, CompletableFuture<Void> stop) {
        TlsOptions serverTls = tls.serverOptions().orElse(null);
        Server server = ServerRunner.listen(listen,
                (host, port) -> EchoServer.start(EventLoop.defaultLoop(), host, port, serverTls, out, idleTimeout));
        return ServerRunner.serve(out, List.of(server), stop, null);
    }
}
