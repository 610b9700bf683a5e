package io.asyncio4j.samples.echo;

import io.asyncio4j.Server;
import io.asyncio4j.samples.ReadmeEcho;
import io.asyncio4j.samples.cli.ServerRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code echo-server}: sends back every byte each client sends until it closes. */
@Command(name = "echo-server", mixinStandardHelpOptions = true,
        description = "Echo server: sends back every byte until the client closes.")
public final class EchoServerCommand implements Callable<Integer> {

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "Port, 0 for any (default: ${DEFAULT-VALUE}).")
    int port;

    @Override
    public Integer call() {
        Server server = ReadmeEcho.startServer(host, port);
        return ServerRunner.serve(System.out, List.of(server), null, null);
    }
}
