package io.asyncio4j.samples.time;

import io.asyncio4j.combinators.Async;
import io.asyncio4j.nio.EventLoop;
import io.asyncio4j.samples.cli.ConnectOptions;
import io.asyncio4j.samples.cli.DurationConverter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** {@code time-client}: prints {@code Current time: <line>} from a time server. */
@Command(name = "time-client", mixinStandardHelpOptions = true,
        description = "Time client: prints the time a time server sends.",
        footer = DurationConverter.SYNTAX)
public final class TimeClientCommand implements Callable<Integer> {

    @Mixin
    ConnectOptions server = new ConnectOptions(8888);

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s",
            converter = DurationConverter.Positive.class,
            description = "Time allowed for the whole exchange (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() {
        return run(System.out, System.err);
    }

    /**
     * Fetches and prints the time, or a one-line error.
     *
     * @param out where {@code Current time: ...} goes
     * @param err where the error line goes
     * @return 0 on success, 1 on failure
     */
    int run(PrintStream out, PrintStream err) {
        try {
            String line = TimeClient.fetch(EventLoop.defaultLoop(), server.host(), server.port(), timeout).get();
            out.println("Current time: " + line);
            return 0;
        } catch (ExecutionException e) {
            Throwable failure = Async.unwrap(e.getCause());
            String reason = failure instanceof TimeoutException ? "timed out after " + timeout.toMillis() + " ms"
                    : failure.getMessage() != null ? failure.getMessage() : failure.getClass().getSimpleName();
            err.println("time-client: " + reason + " (" + server + ")");
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("time-client: interrupted");
            return 1;
        }
    }
}
