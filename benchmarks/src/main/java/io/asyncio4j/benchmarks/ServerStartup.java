package io.asyncio4j.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The start-up every benchmark server process shares: {@code MAIN [NAME [PORT]]} starts the server of that name
 * (the first one listed by default) on 127.0.0.1 and PORT (default 0, any free one), with one I/O thread per
 * available core for the servers that take a count, prints {@code listening on 127.0.0.1:PORT}, which
 * {@code benchmarks/run} waits for, and serves until the process is killed.
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

    private final Map<String, Start> servers = new LinkedHashMap<>();

    /**
     * Adds a server that the command line can name.
     *
     * @param name  its name on the command line
     * @param start starts it
     * @return this
     */
    ServerStartup server(String name, Start start) {
        servers.put(name, start);
        return this;
    }

    /**
     * Starts the server {@code args} name, prints its listening line and blocks until the process is killed.
     *
     * @param args the server's name and an optional port
     * @throws IllegalArgumentException if no server has that name
     * @throws Exception                if the server cannot start
     */
    void run(String[] args) throws Exception {
        String which = args.length > 0 ? args[0] : servers.keySet().iterator().next();
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        Start start = servers.get(which);
        if (start == null) {
            List<String> names = new ArrayList<>(servers.keySet());
            String last = names.remove(names.size() - 1);
            throw new IllegalArgumentException("unknown server: " + which + " (" + String.join(", ", names)
                    + " or " + last + ")");
        }
        int bound = start.listen(HOST, port, Runtime.getRuntime().availableProcessors());
        System.out.println("listening on " + HOST + ":" + bound);
        System.out.flush();
        Thread.currentThread().join();
    }
}
