package io.asyncio4j.samples.time;

import io.asyncio4j.Server;
import io.asyncio4j.nio.EventLoop;
import io.asyncio4j.samples.cli.PortConverter;
import io.asyncio4j.samples.cli.ServerCommand;
import io.asyncio4j.samples.cli.ServerRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** {@code time-server}: sends the local time in ctime form to each client and closes. */
@Command(name = "time-server", mixinStandardHelpOptions = true,
        description = "Time server: sends each client the local time as ctime() text and CRLF, then closes;"
                + " repeat --port to serve several ports from one loop.")
public final class TimeServerCommand extends ServerCommand {

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "Address to listen on, a name or an IP literal (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8888", split = ",", converter = PortConverter.class,
            description = "Port to listen on, 0 for any free one; repeat the option or separate ports with commas to"
                    + " listen on several (default: ${DEFAULT-VALUE}).")
    List<Integer> ports;

    @Override
    protected int serve(PrintStream out, CompletableFuture<Void> stop) {
        // One port at a time, so that a failure names the port that could not be bound.
        List<Server> servers = new ArrayList<>();
        try {
            for (int port : ports) {
                servers.addAll(ServerRunner.listen(host, port, () -> TimeServer.start(EventLoop.defaultLoop(), host,
                        List.of(port), Clock.systemDefaultZone(), out)));
            }
        } catch (RuntimeException e) {
            servers.forEach(Server::close);
            throw e;
        }
        return ServerRunner.serve(out, servers, stop, null);
    }
}
