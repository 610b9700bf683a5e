package io.asyncio4j.samples.httpserver;

import io.asyncio4j.nio.EventLoop;
import io.asyncio4j.samples.cli.DurationConverter;
import io.asyncio4j.samples.cli.ServerRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code http-server}: serves the files under a directory over HTTP/1.1. */
@Command(name = "http-server", mixinStandardHelpOptions = true,
        description = "HTTP/1.1 static file server (GET and HEAD, keep-alive, pipelining, conditional GET, byte "
                + "ranges); hidden files are not served unless --hidden; GET /plaintext answers Hello, World!")
public final class HttpServerCommand implements Callable<Integer> {

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "Port, 0 for any (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--root", defaultValue = ".", description = "Directory to serve (default: ${DEFAULT-VALUE}).")
    Path root;

    @Option(names = "--hidden", defaultValue = "false",
            description = "Serve and list hidden files and directories, those whose name starts with '.' (.git/, "
                    + ".env); without it they answer 404, as if absent (default: ${DEFAULT-VALUE}).")
    boolean hidden;

    @Option(names = "--header-timeout", defaultValue = "10s", converter = DurationConverter.class,
            description = "Time allowed for a request head to arrive (default: ${DEFAULT-VALUE}).")
    Duration headerTimeout;

    @Option(names = "--keep-alive-timeout", defaultValue = "15s", converter = DurationConverter.class,
            description = "Idle time allowed between keep-alive requests (default: ${DEFAULT-VALUE}).")
    Duration keepAliveTimeout;

    @Override
    public Integer call() {
        StaticFileServer server = StaticFileServer.start(EventLoop.defaultLoop(), host, port, root,
                StaticFileServer.Settings.defaults().withTimeouts(headerTimeout, keepAliveTimeout)
                        .withHiddenFiles(hidden));
        return ServerRunner.serve(System.out, List.of(server.server()), null, server::closeIdleConnections);
    }
}
