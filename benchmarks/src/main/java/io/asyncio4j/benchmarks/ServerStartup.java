package io.asyncio4j.benchmarks;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The start-up every benchmark server process shares: {@code MAIN [NAME [PORT]] [TLS FLAGS]} starts the server of
 * that name (the first one listed by default) on 127.0.0.1 and PORT (default 0, any free one), with one I/O thread
 * per available core for the servers that take a count, prints {@code listening on 127.0.0.1:PORT}, which
 * {@code benchmarks/run} waits for, and serves until the process is killed. With {@code --tls-cert} and
 * {@code --tls-key} ({@link TlsSettings}) it serves TLS, which only the servers added with {@link #serverWithTls}
 * can.
 */
final class ServerStartup {

    /** Where every benchmark server listens: the load drivers run on the same machine. */
    static final String HOST = "127.0.0.1";

    /** Starts one server. */
    @FunctionalInterface
    interface Start {
        /**
         * Starts the server and returns once it listens.
         *
         * @param host    the address to bind
         * @param port    the port, 0 for any free one
         * @param threads I/O threads, for the servers that take a count
         * @return the bound port
         * @throws Exception if it cannot start
         */
        int listen(String host, int port, int threads) throws Exception;
    }

    /** Starts one server that can serve TLS. */
    @FunctionalInterface
    interface StartWithTls {
        /**
         * Starts the server and returns once it listens.
         *
         * @param host    the address to bind
         * @param port    the port, 0 for any free one
         * @param threads I/O threads, for the servers that take a count
         * @param tls     the TLS flags; plaintext unless {@link TlsSettings#serves()}
         * @return the bound port
         * @throws Exception if it cannot start
         */
        int listen(String host, int port, int threads, TlsSettings tls) throws Exception;
    }

    private final Map<String, StartWithTls> servers = new LinkedHashMap<>();
    private final Set<String> plaintextOnly = new HashSet<>();

    /**
     * Adds a plaintext server that the command line can name.
     *
     * @param name  its name on the command line
     * @param start starts it
     * @return this
     */
    ServerStartup server(String name, Start start) {
        servers.put(name, (host, port, threads, tls) -> start.listen(host, port, threads));
        plaintextOnly.add(name);
        return this;
    }

    /**
     * Adds a server that the command line can name, which serves TLS when given the TLS flags.
     *
     * @param name  its name on the command line
     * @param start starts it
     * @return this
     */
    ServerStartup serverWithTls(String name, StartWithTls start) {
        servers.put(name, start);
        return this;
    }

    /**
     * Starts the server {@code args} name, prints its listening line and blocks until the process is killed.
     *
     * @param args the server's name, an optional port and the TLS flags
     * @throws IllegalArgumentException if no server has that name, or it cannot serve TLS and was asked to
     * @throws Exception                if the server cannot start
     */
    void run(String[] args) throws Exception {
        List<String> positional = new ArrayList<>(List.of(args));
        TlsSettings tls = TlsSettings.takeFrom(positional);
        String which = !positional.isEmpty() ? positional.get(0) : servers.keySet().iterator().next();
        int port = positional.size() > 1 ? Integer.parseInt(positional.get(1)) : 0;
        StartWithTls start = servers.get(which);
        if (start == null) {
            List<String> names = new ArrayList<>(servers.keySet());
            String last = names.remove(names.size() - 1);
            throw new IllegalArgumentException("unknown server: " + which + " (" + String.join(", ", names)
                    + " or " + last + ")");
        }
        if (tls.serves() && plaintextOnly.contains(which)) {
            throw new IllegalArgumentException("server " + which + " does not serve TLS");
        }
        int bound = start.listen(HOST, port, Runtime.getRuntime().availableProcessors(), tls);
        System.out.println("listening on " + HOST + ":" + bound + (tls.serves() ? " over " + tls.describe() : ""));
        System.out.flush();
        Thread.currentThread().join();
    }
}
