package io.asyncio4j.samples.cli;

import picocli.CommandLine.Option;

/**
 * The {@code --host} and {@code --port} options of a client command, the server it connects to: {@code 127.0.0.1}
 * and the port of the matching server command unless the user says otherwise. A port is read by
 * {@link PortConverter}, so a wrong one is a usage error.
 *
 * <pre>{@code
 * @Mixin
 * ConnectOptions server = new ConnectOptions(8080);
 * ...
 * EchoClient.echo(loop, server.host(), server.port(), message, limit, timeout);
 * }</pre>
 */
public final class ConnectOptions {

    @Option(names = "--host", paramLabel = "HOST",
            description = "Server to connect to, a name or an IP literal (default: ${DEFAULT-VALUE}).")
    private String host = "127.0.0.1";

    @Option(names = "--port", paramLabel = "PORT", converter = PortConverter.class,
            description = "Server's port (default: ${DEFAULT-VALUE}).")
    private int port;

    /**
     * Connects to {@code 127.0.0.1:defaultPort} unless the command line says otherwise.
     *
     * @param defaultPort the port of the matching server command
     */
    public ConnectOptions(int defaultPort) {
        this.port = defaultPort;
    }

    /**
     * Returns the server to connect to, as the user gave it.
     *
     * @return a name or an IP literal
     */
    public String host() {
        return host;
    }

    /**
     * Returns the server's port.
     *
     * @return the port
     */
    public int port() {
        return port;
    }

    /**
     * Writes the server's address for an error line, as the user gave it: {@code HOST:PORT}.
     *
     * @return the host and port
     */
    @Override
    public String toString() {
        return host + ":" + port;
    }
}
