package io.asyncio4j.samples.fetch;

import io.asyncio4j.TlsOptions;
import io.asyncio4j.nio.EventLoop;
import io.asyncio4j.samples.cli.ClientTlsOptions;
import io.asyncio4j.samples.cli.DurationConverter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code fetch}: GET many URLs concurrently, {@code http} or {@code https}, and report each, then a summary. */
@Command(name = "fetch", mixinStandardHelpOptions = true,
        description = "Fetches URLs concurrently (gather + waitFor + semaphore); prints <status> <bytes> <ms> <url> "
                + "or ERROR <reason> <url> as each completes, then a summary line.",
        footer = DurationConverter.SYNTAX)
public final class FetchCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "URL", description = "http:// or https:// URLs.")
    List<String> urls;

    @Mixin
    ClientTlsOptions tls = new ClientTlsOptions();

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "8",
            description = "Requests in flight at most, 1 or more (default: ${DEFAULT-VALUE} requests).")
    int concurrency;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5s",
            converter = DurationConverter.Positive.class,
            description = "Time allowed for each request (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (concurrency < 1) {
            throw new ParameterException(spec.commandLine(), "--concurrency must be 1 or more, not " + concurrency);
        }
        return run(System.out, System.err);
    }

    /**
     * Runs the command as parsed: reads the TLS options, fetches the URLs, prints a line per URL and the summary.
     *
     * @param out where the lines go
     * @param err where the {@code --insecure} warning goes
     * @return 0 if every URL got a response, 1 otherwise
     * @throws ParameterException if the TLS options contradict each other
     * @throws io.asyncio4j.samples.cli.CommandFailure if {@code --cacert}'s file cannot be used
     */
    int run(PrintStream out, PrintStream err) {
        return run(EventLoop.defaultLoop(), urls, tls.clientOptions(err), concurrency, timeout, out);
    }

    /**
     * Fetches the URLs and prints a line per URL and the summary on {@code out}.
     *
     * @return 0 if every URL got a response, 1 otherwise
     */
    static int run(EventLoop loop, List<String> urls, int concurrency, Duration timeout, PrintStream out) {
        return run(loop, urls, TlsOptions.client(), concurrency, timeout, out);
    }

    private static int run(EventLoop loop, List<String> urls, TlsOptions tls, int concurrency, Duration timeout,
                           PrintStream out) {
        Fetch.Summary summary = Fetch.fetchAll(loop, urls, tls, concurrency, timeout, out::println).join();
        out.println(summary);
        out.flush();
        return summary.failed() == 0 ? 0 : 1;
    }
}
