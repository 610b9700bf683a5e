package io.asyncio4j.samples.time;

import io.asyncio4j.Server;
import io.asyncio4j.nio.EventLoop;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import static java.nio.charset.StandardCharsets.US_ASCII;

/**
 * A time server: on connect, sends the local time in ctime form plus CRLF in ASCII and closes, printing
 * {@code Got a connection from HOST:PORT}. Several ports are served from one loop, as one asyncio loop serves
 * several {@code start_server}s side by side.
 */
public final class TimeServer {

    private TimeServer() {
    }

    /**
     * Listens on each of {@code ports}.
     *
     * @param loop  the loop serving every listener
     * @param host  the address to bind
     * @param ports the ports, 0 for any
     * @param clock the time to send, in its zone ({@link Clock#systemDefaultZone()} for local time)
     * @param out   where the connection lines go
     * @return the running servers, in the order of {@code ports}; if one port cannot be bound the ones already
     *         bound are closed and the failure is thrown
     */
    public static List<Server> start(EventLoop loop, String host, List<Integer> ports, Clock clock,
                                     PrintStream out) {
        List<Server> servers = new ArrayList<>();
        try {
            for (int port : ports) {
                servers.add(loop.listen(host, port, conn -> {
                    out.println("Got a connection from " + describe(conn.remoteAddress()));
                    return conn.write(Ctime.now(clock) + "\r\n", US_ASCII);   // then the server closes it
                }).join());
            }
        } catch (RuntimeException e) {
            servers.forEach(Server::close);
            throw e;
        }
        return servers;
    }

    static String describe(SocketAddress address) {
        InetSocketAddress ip = (InetSocketAddress) address;
        return ip.getAddress().getHostAddress() + ":" + ip.getPort();
    }
}
