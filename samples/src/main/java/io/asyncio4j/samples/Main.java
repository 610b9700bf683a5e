package io.asyncio4j.samples;

import io.asyncio4j.samples.chat.ChatServerCommand;
import io.asyncio4j.samples.cli.OneLineErrors;
import io.asyncio4j.samples.clock.ClockServerCommand;
import io.asyncio4j.samples.echo.EchoClientCommand;
import io.asyncio4j.samples.echo.EchoServerCommand;
import io.asyncio4j.samples.fetch.FetchCommand;
import io.asyncio4j.samples.httpclient.HttpClientCommand;
import io.asyncio4j.samples.httpserver.HttpServerCommand;
import io.asyncio4j.samples.monitor.MonitorCommand;
import io.asyncio4j.samples.ping.PingClientCommand;
import io.asyncio4j.samples.ping.PingServerCommand;
import io.asyncio4j.samples.time.TimeClientCommand;
import io.asyncio4j.samples.time.TimeServerCommand;
import io.asyncio4j.samples.tour.TourCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * Entry point of the samples jar: {@code java -jar asyncio4j-samples.jar COMMAND [OPTIONS]} (or
 * {@code ./asyncio4j COMMAND}). Each command is a small asyncio program written with asyncio4j; each reports a
 * failure in one line on standard error, exit status 1 for a failed run and 2 for a wrong command line
 * ({@link OneLineErrors}).
 */
@Command(name = "asyncio4j", mixinStandardHelpOptions = true, version = "asyncio4j samples 0.1.0",
        description = "Small servers, clients and a tour of asyncio's primitives, written as composed futures.",
        footer = "Errors: one line on stderr; exit status 1 when a run fails, 2 for a wrong command line."
                + " ASYNCIO4J_LOG=debug adds stack traces.",
        subcommands = {
            EchoServerCommand.class,
            EchoClientCommand.class,
            TimeServerCommand.class,
            TimeClientCommand.class,
            ClockServerCommand.class,
            ChatServerCommand.class,
            PingServerCommand.class,
            PingClientCommand.class,
            HttpServerCommand.class,
            HttpClientCommand.class,
            FetchCommand.class,
            MonitorCommand.class,
            TourCommand.class,
        })
public final class Main implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /**
     * Runs the command line and exits with its code.
     *
     * @param args the command and its options
     */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs the command line and returns its exit code (for tests).
     *
     * @param args the command and its options
     * @return the exit code
     */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /**
     * Runs the command line with picocli's output (help, usage, error lines) going to {@code out} and {@code err}
     * and returns its exit code (for tests); what the commands print themselves still goes to standard output.
     *
     * @param out  where help goes
     * @param err  where usage and error lines go
     * @param args the command and its options
     * @return the exit code
     */
    static int run(PrintWriter out, PrintWriter err, String... args) {
        return commandLine().setOut(out).setErr(err).execute(args);
    }

    private static CommandLine commandLine() {
        OneLineErrors errors = new OneLineErrors();
        return new CommandLine(new Main())
                .setExecutionExceptionHandler(errors)
                .setParameterExceptionHandler(errors);
    }

    /** Without a command: the list of commands on standard error, as a usage error. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return OneLineErrors.USAGE;
    }
}
