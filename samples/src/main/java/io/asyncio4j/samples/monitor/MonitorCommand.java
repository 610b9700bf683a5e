package io.asyncio4j.samples.monitor;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.Server;
import io.asyncio4j.nio.EventLoop;
import io.asyncio4j.samples.cli.DurationConverter;
import io.asyncio4j.samples.cli.ListenOptions;
import io.asyncio4j.samples.cli.ServerRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * {@code monitor}: a CPU-bound job beside a server that stays responsive. The bottles job runs on a worker thread
 * while the status server answers {@code <remaining> bottles\r\n}; the command probes its own server and prints
 * the latency, then a summary, and exits 0 when the job ends (or on SIGINT/SIGTERM).
 */
@Command(name = "monitor", mixinStandardHelpOptions = true,
        description = "Bottles monitor: a CPU-bound job runs while a status server answers '<n> bottles'; "
                + "prints the server's measured latency.",
        footer = DurationConverter.SYNTAX)
public final class MonitorCommand implements Callable<Integer> {

    @Mixin
    ListenOptions listen = new ListenOptions(10000);

    @Option(names = "--bottles", paramLabel = "N", defaultValue = "10000000",
            description = "Bottles the job drinks (default: ${DEFAULT-VALUE} bottles, a few seconds of CPU).")
    long bottles;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "100ms",
            converter = DurationConverter.Positive.class,
            description = "Time between latency probes (default: ${DEFAULT-VALUE}).")
    Duration interval;

    /** Where the output goes; standard output unless a test sets it. */
    PrintStream out = System.out;

    /** Completes to stop as a signal would; for tests. */
    CompletableFuture<Void> stop;

    @Override
    public Integer call() throws Exception {
        EventLoop loop = EventLoop.defaultLoop();
        Bottles job = new Bottles(bottles);
        Server server = ServerRunner.listen(listen,
                (host, port) -> StatusServer.start(loop, host, port, job::remaining).join());
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "bottles");
            t.setDaemon(true);
            return t;
        });
        try {
            // ServerRunner prints the listening line and flushes before it waits; the probes start after that.
            CompletableFuture<Void> listening = new CompletableFuture<>();
            PrintStream gate = new PrintStream(out, false) {
                @Override
                public void flush() {
                    super.flush();
                    listening.complete(null);
                }
            };
            String target = ((InetSocketAddress) server.address()).getAddress().getHostAddress();
            CompletableFuture<LatencyMonitor> monitor = listening.thenApply(ready -> LatencyMonitor.start(
                    loop, target, server.port(), job, worker, interval, out));
            AsyncFuture<Void> jobEnded = AsyncFuture.of(monitor)
                    .thenCompose(LatencyMonitor::finished)
                    .handle((summary, failure) -> null);
            CompletableFuture<Void> stopping = stop == null ? jobEnded : jobEnded.applyToEither(stop, x -> x);
            int code = ServerRunner.serve(gate, List.of(server), stopping,
                    () -> monitor.thenAccept(m -> m.job().cancel(true)));
            monitor.thenCompose(LatencyMonitor::finished).get(ServerRunner.GRACE.toSeconds(), TimeUnit.SECONDS);
            out.flush();
            return code;
        } finally {
            worker.shutdownNow();
        }
    }
}
