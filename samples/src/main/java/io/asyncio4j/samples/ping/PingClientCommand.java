package io.asyncio4j.samples.ping;

import io.asyncio4j.combinators.Async;
import io.asyncio4j.nio.EventLoop;
import io.asyncio4j.samples.cli.ConnectOptions;
import io.asyncio4j.samples.cli.DurationConverter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import static java.nio.charset.StandardCharsets.UTF_8;

/** {@code ping-client}: sends a message with a connect timeout and an operation timeout. */
@Command(name = "ping-client", mixinStandardHelpOptions = true,
        description = "Ping client: sends MESSAGE; prints what the server sent back (if anything) on success,"
                + " 'send data timeout' or 'send data error: <reason>' on failure.",
        footer = DurationConverter.SYNTAX)
public final class PingClientCommand implements Callable<Integer> {

    @Mixin
    ConnectOptions server = new ConnectOptions(10001);

    @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "5s",
            converter = DurationConverter.Positive.class,
            description = "Time allowed to connect (default: ${DEFAULT-VALUE}).")
    Duration connectTimeout;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "2s",
            converter = DurationConverter.Positive.class,
            description = "Time allowed for sending and reading until the server closes"
                    + " (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Parameters(index = "0", paramLabel = "MESSAGE", defaultValue = "ping",
            description = "The text to send (UTF-8; default: ${DEFAULT-VALUE}).")
    String message;

    @Override
    public Integer call() {
        return run(System.out);
    }

    /**
     * Sends the message; prints the reply, {@code send data timeout}, or {@code send data error: <reason>}.
     *
     * @param out standard output, where the failure lines go too, as the Python client prints them
     * @return 0 on success, 1 on failure
     */
    int run(PrintStream out) {
        try {
            byte[] reply = PingClient.send(EventLoop.defaultLoop(), server.host(), server.port(),
                    message.getBytes(UTF_8), connectTimeout, timeout).get();
            if (reply.length > 0) {
                out.println(new String(reply, UTF_8));
            }
            return 0;
        } catch (ExecutionException e) {
            Throwable failure = Async.unwrap(e.getCause());
            if (failure instanceof TimeoutException || failure instanceof SocketTimeoutException) {
                out.println("send data timeout");             // except socket.timeout
            } else {
                String reason = failure.getMessage() != null ? failure.getMessage()
                        : failure.getClass().getSimpleName();
                out.println("send data error: " + reason);    // except socket.error as ex
            }
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            out.println("send data error: interrupted");
            return 1;
        }
    }
}
