package io.asyncio4j.samples.httpserver;

import io.asyncio4j.TlsOptions;
import io.asyncio4j.nio.EventLoop;
import io.asyncio4j.samples.cli.CommandFailure;
import io.asyncio4j.samples.cli.DurationConverter;
import io.asyncio4j.samples.cli.ListenOptions;
import io.asyncio4j.samples.cli.ServerCommand;
import io.asyncio4j.samples.cli.ServerRunner;
import io.asyncio4j.samples.cli.ServerTlsOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code http-server}: serves the files under a directory over HTTP/1.1; with {@code --tls-cert} and
 * {@code --tls-key} (or {@code --tls-keystore}), over HTTPS.
 */
@Command(name = "http-server", mixinStandardHelpOptions = true,
        description = "HTTP/1.1 static file server (GET and HEAD, keep-alive, pipelining, conditional GET, byte "
                + "ranges); hidden files are not served unless --hidden; GET /plaintext answers Hello, World!;"
                + " HTTPS with --tls-cert and --tls-key, or --tls-keystore",
        footer = DurationConverter.SYNTAX)
public final class HttpServerCommand extends ServerCommand {

    @Mixin
    ListenOptions listen = new ListenOptions(8080);

    @Mixin
    ServerTlsOptions tls = new ServerTlsOptions();

    @Option(names = "--root", paramLabel = "DIR", defaultValue = ".",
            description = "Directory whose files are served (default: ${DEFAULT-VALUE}, the current directory).")
    Path root;

    @Option(names = "--hidden", defaultValue = "false",
            description = "Serve and list hidden files and directories, those whose name starts with '.' (.git/, "
                    + ".env); without it they answer 404, as if absent (default: ${DEFAULT-VALUE}).")
    boolean hidden;

    @Option(names = "--header-timeout", paramLabel = "DURATION", defaultValue = "10s",
            converter = DurationConverter.Positive.class,
            description = "Time allowed for a request's head to arrive (default: ${DEFAULT-VALUE}).")
    Duration headerTimeout;

    @Option(names = "--keep-alive-timeout", paramLabel = "DURATION", defaultValue = "15s",
            converter = DurationConverter.Positive.class,
            description = "Idle time allowed between two requests on a kept-alive connection"
                    + " (default: ${DEFAULT-VALUE}).")
    Duration keepAliveTimeout;

    @Override
    protected int serve(PrintStream out, CompletableFuture<Void> stop) {
        if (!Files.isDirectory(root)) {
            throw new CommandFailure("--root " + root
                    + (Files.exists(root) ? " is not a directory" : " does not exist"));
        }
        TlsOptions serverTls = tls.serverOptions().orElse(null);
        StaticFileServer server = ServerRunner.listen(listen, (host, port) -> StaticFileServer.start(
                EventLoop.defaultLoop(), host, port, root,
                StaticFileServer.Settings.defaults().withTimeouts(headerTimeout, keepAliveTimeout)
                        .withHiddenFiles(hidden).withTls(serverTls)));
        return ServerRunner.serve(out, List.of(server.server()), stop, server::closeIdleConnections);
    }
}
