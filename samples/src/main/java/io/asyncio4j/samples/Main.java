package io.asyncio4j.samples;

import io.asyncio4j.Server;

import java.time.Duration;
import java.util.Arrays;

/**
 * Entry point of the samples jar: {@code java -jar asyncio4j-samples.jar COMMAND [OPTIONS]}. Until the samples
 * CLI lands it knows one command, {@code echo-server [--host H] [--port P]}.
 */
public final class Main {

    private Main() {
    }

    /**
     * Runs the named sample until the process is stopped.
     *
     * @param args the command and its options
     */
    public static void main(String[] args) {
        if (args.length == 0 || !args[0].equals("echo-server")) {
            usage();
        }
        String host = "127.0.0.1";
        int port = 8080;
        String[] opts = Arrays.copyOfRange(args, 1, args.length);
        for (int i = 0; i < opts.length; i++) {
            if (opts[i].equals("--host") && i + 1 < opts.length) {
                host = opts[++i];
            } else if (opts[i].equals("--port") && i + 1 < opts.length) {
                port = Integer.parseInt(opts[++i]);
            } else {
                usage();
            }
        }
        Server server = ReadmeEcho.startServer(host, port);
        System.out.println("listening on " + server.localAddress().getHostString() + ":" + server.port());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.closeGracefully(Duration.ofSeconds(3)).join()));
        server.closed().join();
    }

    private static void usage() {
        System.err.println("usage: asyncio4j echo-server [--host HOST] [--port PORT]");
        System.exit(2);
    }
}
