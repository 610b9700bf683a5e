package io.asyncio4j.samples.echo;

import io.asyncio4j.TlsOptions;
import io.asyncio4j.combinators.Async;
import io.asyncio4j.nio.EventLoop;
import io.asyncio4j.samples.cli.ClientTlsOptions;
import io.asyncio4j.samples.cli.ConnectOptions;
import io.asyncio4j.samples.cli.DurationConverter;
import io.asyncio4j.samples.cli.TlsFailures;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * {@code echo-client}: sends a message to an echo server, half-closes, prints what comes back; with {@code --tls},
 * over TLS.
 */
@Command(name = "echo-client", mixinStandardHelpOptions = true,
        description = "Echo client: sends MESSAGE, half-closes, prints what comes back.",
        footer = DurationConverter.SYNTAX)
public final class EchoClientCommand implements Callable<Integer> {

    /** The most bytes accepted back. */
    static final int REPLY_LIMIT = 1 << 20;

    @Mixin
    ConnectOptions server = new ConnectOptions(8080);

    @Option(names = "--tls", defaultValue = "false",
            description = "Connect over TLS; the server's certificate must name --host (default: ${DEFAULT-VALUE}).")
    boolean tls;

    @Mixin
    ClientTlsOptions trust = new ClientTlsOptions();

    @Spec
    CommandSpec spec;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s",
            converter = DurationConverter.Positive.class,
            description = "Time allowed for the whole exchange (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Parameters(index = "0", paramLabel = "MESSAGE", description = "The text to send (UTF-8).")
    String message;

    @Override
    public Integer call() {
        return run(System.out, System.err);
    }

    /**
     * Runs the exchange and prints the reply exactly as received (plus a newline if it does not end with one),
     * or a one-line error.
     *
     * @param out where the reply goes
     * @param err where the error line and the {@code --insecure} warning go
     * @return 0 on success, 1 on failure
     * @throws ParameterException if a TLS option is given without {@code --tls}, or they contradict each other
     * @throws io.asyncio4j.samples.cli.CommandFailure if {@code --cacert}'s file cannot be used
     */
    int run(PrintStream out, PrintStream err) {
        if (!tls && trust.given()) {
            throw new ParameterException(spec.commandLine(), "--cacert and --insecure need --tls");
        }
        TlsOptions options = tls ? trust.clientOptions(err) : null;
        try {
            byte[] reply = EchoClient.echo(EventLoop.defaultLoop(), server.host(), server.port(), options,
                    message.getBytes(UTF_8), REPLY_LIMIT, timeout).get();
            out.write(reply, 0, reply.length);
            if (reply.length == 0 || reply[reply.length - 1] != '\n') {
                out.println();
            }
            out.flush();
            return 0;
        } catch (ExecutionException e) {
            err.println("echo-client: " + reason(Async.unwrap(e.getCause())));
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("echo-client: interrupted");
            return 1;
        }
    }

    private String reason(Throwable failure) {
        if (failure instanceof TimeoutException) {
            return "no complete reply from " + server + " within " + timeout.toMillis() + " ms";
        }
        Optional<String> tlsFailure = TlsFailures.describe(failure);
        if (tlsFailure.isPresent()) {
            return tlsFailure.get() + " (" + server + ")";
        }
        String message = failure.getMessage();
        return (message == null ? failure.getClass().getSimpleName() : message) + " (" + server + ")";
    }
}
