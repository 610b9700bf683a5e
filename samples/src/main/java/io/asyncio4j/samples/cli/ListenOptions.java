package io.asyncio4j.samples.cli;

import picocli.CommandLine.Option;

/**
 * The {@code --host} and {@code --port} options of a server command, where it listens: {@code 127.0.0.1} and the
 * command's own port unless the user says otherwise. A port is read by {@link PortConverter}, so a wrong one is a
 * usage error.
 *
 * <pre>{@code
 * @Mixin
 * ListenOptions listen = new ListenOptions(8080);
 * ...
 * Server server = ServerRunner.listen(listen, (host, port) -> EchoServer.start(loop, host, port, out, idle));
 * }</pre>
 */
public final class ListenOptions {

    @Option(names = "--host", paramLabel = "HOST",
            description = "Address to listen on, a name or an IP literal (default: ${DEFAULT-VALUE}).")
    private String host = "127.0.0.1";

    @Option(names = "--port", paramLabel = "PORT", converter = PortConverter.class,
            description = "Port to listen on, 0 for any free one (default: ${DEFAULT-VALUE}).")
    private int port;

    /**
     * Listens on {@code 127.0.0.1:defaultPort} unless the command line says otherwise.
     *
     * @param defaultPort the command's port
     */
    public ListenOptions(int defaultPort) {
        this.port = defaultPort;
    }

    /**
     * Returns the address to listen on, as the user gave it.
     *
     * @return a name or an IP literal
     */
    public String host() {
        return host;
    }

    /**
     * Returns the port to listen on.
     *
     * @return the port, 0 for any free one
     */
    public int port() {
        return port;
    }
}
