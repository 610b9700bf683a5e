package io.asyncio4j.samples;

import io.asyncio4j.samples.chat.ChatServerCommand;
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

/**
 * Entry point of the samples jar: {@code java -jar asyncio4j-samples.jar COMMAND [OPTIONS]} (or
 * {@code ./asyncio4j COMMAND}). Each command is one of the seed programs rebuilt with asyncio4j.
 */
@Command(name = "asyncio4j", mixinStandardHelpOptions = true, version = "asyncio4j samples 0.1.0",
        description = "The seed programs rebuilt as composed futures.",
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
public final class Main implements Runnable {

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
        return new CommandLine(new Main()).execute(args);
    }

    /** Without a command: prints the list of commands. */
    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
