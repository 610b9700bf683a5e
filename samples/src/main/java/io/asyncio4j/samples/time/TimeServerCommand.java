package io.asyncio4j.samples.time;

import io.asyncio4j.Server;
import io.asyncio4j.nio.EventLoop;
import io.asyncio4j.samples.cli.ServerRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/** {@code time-server}: sends the local time in ctime form to each client and closes. */
@Command(name = "time-server", mixinStandardHelpOptions = true,
        description = "Time server (seed 000): sends the local time as ctime() + CRLF and closes; repeat --port to"
                + " serve several ports from one loop.")
public final class TimeServerCommand implements Callable<Integer> {

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8888", split = ",",
            description = "Port, 0 for any; repeatable (default: ${DEFAULT-VALUE}).")
    List<Integer> ports;

    @Override
    public Integer call() {
        return serve(System.out, null);
    }

    /**
     * Serves until a signal or {@code stop}.
     *
     * @param out  standard output
     * @param stop completes to stop (tests); may be {@code null}
     * @return the exit code
     */
    int serve(PrintStream out, CompletableFuture<Void> stop) {
        List<Server> servers = TimeServer.start(EventLoop.defaultLoop(), host, ports, Clock.systemDefaultZone(), out);
        return ServerRunner.serve(out, servers, stop, null);
    }
}
