package io.asyncio4j.samples.httpclient;

import io.asyncio4j.TlsOptions;
import io.asyncio4j.combinators.Async;
import io.asyncio4j.nio.EventLoop;
import io.asyncio4j.samples.cli.ClientTlsOptions;
import io.asyncio4j.samples.cli.DurationConverter;
import io.asyncio4j.samples.http.ResponseHead;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

/**
 * {@code http-client}: GET one URL, {@code http} or {@code https}, and print the status line, the headers, a blank
 * line and the body.
 */
@Command(name = "http-client", mixinStandardHelpOptions = true,
        description = "HTTP client: sends GET with Host and prints the status line, headers, a blank line and"
                + " the body; an https:// URL is fetched over TLS, the server's certificate checked against its"
                + " host.",
        footer = DurationConverter.SYNTAX)
public final class HttpClientCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "URL", description = "An http:// or https:// URL.")
    String url;

    @Mixin
    ClientTlsOptions tls = new ClientTlsOptions();

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s",
            converter = DurationConverter.Positive.class,
            description = "Time allowed for the whole request (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() {
        return run(System.out, System.err);
    }

    /**
     * Runs the command as parsed: reads the TLS options, fetches the URL and prints the response.
     *
     * @param out where the response goes
     * @param err where the {@code --insecure} warning and an error go
     * @return 0 when a response was received (whatever its status), 1 on failure
     * @throws picocli.CommandLine.ParameterException if the TLS options contradict each other
     * @throws io.asyncio4j.samples.cli.CommandFailure if {@code --cacert}'s file cannot be used
     */
    int run(PrintStream out, PrintStream err) {
        return run(EventLoop.defaultLoop(), url, tls.clientOptions(err), timeout, out, err);
    }

    /**
     * Fetches {@code url}, checking an {@code https} server against the system's trusted authorities; see
     * {@link #run(EventLoop, String, TlsOptions, Duration, PrintStream, PrintStream)}.
     *
     * @param loop    the event loop
     * @param url     the URL
     * @param timeout how long the whole request may take
     * @param out     where the response goes
     * @param err     where an error goes
     * @return 0 when a response was received (whatever its status), 1 on failure
     */
    public static int run(EventLoop loop, String url, Duration timeout, PrintStream out, PrintStream err) {
        return run(loop, url, TlsOptions.client(), timeout, out, err);
    }

    /**
     * Fetches {@code url} and prints the response on {@code out} (head lines end in CRLF as on the wire, the
     * body is written as received) or a one-line error on {@code err}.
     *
     * @param loop    the event loop
     * @param url     the URL
     * @param tls     client TLS options for an {@code https} URL
     * @param timeout how long the whole request may take
     * @param out     where the response goes
     * @param err     where an error goes
     * @return 0 when a response was received (whatever its status), 1 on failure
     */
    public static int run(EventLoop loop, String url, TlsOptions tls, Duration timeout, PrintStream out,
                          PrintStream err) {
        HttpClient.ResponseHandler printer = new HttpClient.ResponseHandler() {
            @Override
            public void head(ResponseHead head) {
                StringBuilder text = new StringBuilder(head.statusLine()).append("\r\n");
                head.headers().forEach((name, value) -> text.append(name).append(": ").append(value).append("\r\n"));
                out.write(text.append("\r\n").toString().getBytes(ISO_8859_1), 0, text.length());
            }

            @Override
            public CompletionStage<?> body(ByteBuffer piece) {
                byte[] bytes = new byte[piece.remaining()];
                piece.get(bytes);
                out.write(bytes, 0, bytes.length);
                return null;
            }
        };
        try {
            Async.waitFor(HttpClient.get(loop, url, tls, HttpClient.LIMITS, printer), timeout, loop.timer()).join();
            out.flush();
            return 0;
        } catch (RuntimeException e) {
            out.flush();
            err.println("http-client: " + HttpClient.describe(e) + " (" + url + ")");
            return 1;
        }
    }
}
