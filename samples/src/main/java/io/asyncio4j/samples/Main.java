package io.asyncio4j.samples;

import io.asyncio4j.Server;

/**
 * Entry point of the samples jar. Until the samples CLI lands it runs the echo server:
 * {@code java -jar asyncio4j-samples.jar [--host H] [--port P]}.
 */
public final class Main {

    private Main() {
    }

    /**
     * Runs the echo server until the process is stopped.
     *
     * @param args {@code --host H} (default 127.0.0.1) and {@code --port P} (default 8080)
     */
    public static void main(String[] args) {
        String host = "127.0.0.1";
        int port = 8080;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--host":
                    host = args[++i];
                    break;
                case "--port":
                    port = Integer.parseInt(args[++i]);
                    break;
                default:
                    System.err.println("usage: echo-server [--host HOST] [--port PORT]");
                    System.exit(2);
            }
        }
        Server server = EchoServer.start(host, port);
        System.out.println("listening on " + server.localAddress().getHostString() + ":" + server.port());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.closeGracefully(
                java.time.Duration.ofSeconds(3)).join()));
        server.closed().join();
    }
}
