package io.asyncio4j.samples.httpserver;

import io.asyncio4j.nio.EventLoop;
import io.asyncio4j.samples.cli.CommandFailure;
import io.asyncio4j.samples.cli.DurationConverter;
import io.asyncio4j.samples.cli.ListenOptions;
import io.asyncio4j.samples.cli.ServerRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code http-server}: serves the files under a directory over HTTP/1.1. */
@Command(name = "http-server", mixinStandardHelpOptions = true,
        description = "HTTP/1.1 static file server (GET and HEAD, keep-alive, pipelining, conditional GET, byte "
                + "ranges); hidden files are not served unless --hidden; GET /plaintext answers Hello, World!",
        footer = DurationConverter.SYNTAX)
public final class HttpServerCommand implements Callable<Integer> {

    @Mixin
    ListenOptions listen = new ListenOptions(8080);

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
    public Integer call() {
        if (!Files.isDirectory(root)) {
            throw new CommandFailure("--root " + root
                    + (Files.exists(root) ? " is not a directory" : " does not exist"));
        }
        StaticFileServer server = ServerRunner.listen(listen, (host, port) -> StaticFileServer.start(
                EventLoop.defaultLoop(), host, port, root,
                StaticFileServer.Settings.defaults().withTimeouts(headerTimeout, keepAliveTimeout)
                        .withHiddenFiles(hidden)));
        return ServerRunner.serve(System.out, List.of(server.server()), null, server::closeIdleConnections);
    }
}
