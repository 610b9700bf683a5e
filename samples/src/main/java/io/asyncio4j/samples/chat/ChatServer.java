package io.asyncio4j.samples.chat;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.Connection;
import io.asyncio4j.LimitOverrunException;
import io.asyncio4j.Server;
import io.asyncio4j.ServerOptions;
import io.asyncio4j.combinators.Async;
import io.asyncio4j.nio.EventLoop;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

import static java.nio.charset.StandardCharsets.US_ASCII;

/**
 * Seed 004's exercise 2: a telnet-compatible chat. Each line a client sends goes to every other client as
 * {@code HOST:PORT: line\r\n}; joins and leaves are announced as {@code * HOST:PORT joined\r\n} and
 * {@code * HOST:PORT left\r\n}; a newcomer is greeted with {@code * welcome HOST:PORT (N online)\r\n}.
 *
 * <ul>
 *   <li>Lines end with LF or CRLF; the CR is stripped. Empty lines are not relayed.</li>
 *   <li>A line longer than {@link #MAX_LINE_BYTES} is not relayed: the sender gets
 *       {@code * line too long (limit 1024 bytes), not sent\r\n} and stays connected.</li>
 *   <li>Nobody waits for anybody: a line is queued to each recipient without waiting. A recipient with more than
 *       {@link #MAX_BEHIND_BYTES} still queued is disconnected: it leaves the room (announced as a leave), is
 *       sent {@code * you are too far behind; disconnecting\r\n} after what it already had, and is closed; if
 *       that cannot be flushed within {@link #KICK_FLUSH_DEADLINE} the connection is aborted.</li>
 *   <li>Joins, leaves and lines pass through the room one at a time, so every client sees the events in the same
 *       order, and a newcomer's welcome comes before anything else it is sent. Holding the room only queues
 *       bytes; it never waits for a socket.</li>
 * </ul>
 */
public final class ChatServer {

    /** The longest line relayed, in bytes, without its terminator. */
    public static final int MAX_LINE_BYTES = 1024;

    /** How much output may be queued for one client before it is disconnected. */
    public static final long MAX_BEHIND_BYTES = 64 * 1024;

    /** How long a disconnected laggard gets to take its last bytes before its connection is aborted. */
    public static final Duration KICK_FLUSH_DEADLINE = Duration.ofSeconds(5);

    private static final int LINE_LIMIT = MAX_LINE_BYTES + 2;   // room for the CRLF
    private static final byte[] LF = {'\n'};
    private static final byte[] TOO_LONG =
            ascii("* line too long (limit " + MAX_LINE_BYTES + " bytes), not sent\r\n");
    private static final byte[] TOO_FAR_BEHIND = ascii("* you are too far behind; disconnecting\r\n");
    private static final byte[] SHUTTING_DOWN = ascii("* server shutting down\r\n");

    private final EventLoop loop;
    private final PrintStream out;
    private final Map<Connection, Member> members = new LinkedHashMap<>();   // the room; guarded by itself
    private Server server;

    private ChatServer(EventLoop loop, PrintStream out) {
        this.loop = loop;
        this.out = out;
    }

    /**
     * Starts the chat with the default server options.
     *
     * @param loop the loop to serve on
     * @param host the address to bind
     * @param port the port, 0 for any
     * @param out  where joins and leaves are logged
     * @return the running chat
     */
    public static ChatServer start(EventLoop loop, String host, int port, PrintStream out) {
        return start(loop, host, port, ServerOptions.defaults(), out);
    }

    /**
     * Starts the chat.
     *
     * @param loop    the loop to serve on
     * @param host    the address to bind
     * @param port    the port, 0 for any
     * @param options the listener's options (socket buffer sizes, connection limit)
     * @param out     where joins and leaves are logged
     * @return the running chat
     */
    public static ChatServer start(EventLoop loop, String host, int port, ServerOptions options, PrintStream out) {
        ChatServer chat = new ChatServer(loop, out);
        chat.server = loop.listen(host, port, chat::serve, options).join();
        return chat;
    }

    /**
     * Returns the listening server.
     *
     * @return the server
     */
    public Server server() {
        return server;
    }

    /**
     * Tells every client the server is shutting down and closes their connections. Call after closing the
     * server.
     */
    public void closeClients() {
        synchronized (members) {
            for (Member m : List.copyOf(members.values())) {
                members.remove(m.conn);
                m.conn.write(SHUTTING_DOWN);
                m.conn.close();
            }
        }
    }

    /** One client: greet, announce, relay its lines until it leaves. */
    private CompletionStage<?> serve(Connection conn) {
        Member me = new Member(conn, describe(conn.remoteAddress()));
        synchronized (members) {
            conn.write(ascii("* welcome " + me.name + " (" + (members.size() + 1) + " online)\r\n"));
            members.put(conn, me);
            announce(me, "* " + me.name + " joined");
        }
        return Async.whileTrue(() -> conn.readLine(LINE_LIMIT)
                        .thenApply(line -> {
                            if (line == null) {
                                return false;                    // the client closed
                            }
                            relay(me, line);
                            return true;
                        })
                        .exceptionallyCompose(failure -> Async.unwrap(failure) instanceof LimitOverrunException o
                                ? skipLongLine(me, o)
                                : AsyncFuture.completed(false)))  // reset, or closed because it was kicked
                .whenComplete((done, failure) -> leave(me));
    }

    /** Sends {@code line} from {@code sender} to every other member. */
    private void relay(Member sender, byte[] line) {
        if (line.length == 0) {
            return;
        }
        if (line.length > MAX_LINE_BYTES) {
            sender.conn.write(TOO_LONG);
            return;
        }
        byte[] message = new byte[sender.prefix.length + line.length + 2];
        System.arraycopy(sender.prefix, 0, message, 0, sender.prefix.length);
        System.arraycopy(line, 0, message, sender.prefix.length, line.length);
        message[message.length - 2] = '\r';
        message[message.length - 1] = '\n';
        synchronized (members) {
            sendToOthers(sender, message);
        }
    }

    private void announce(Member about, String text) {
        out.println(text);
        sendToOthers(about, ascii(text + "\r\n"));
    }

    /**
     * Holding the room: queues {@code message} to every member but {@code sender}, never waiting; laggards are
     * disconnected.
     */
    private void sendToOthers(Member sender, byte[] message) {
        for (Member to : List.copyOf(members.values())) {
            if (to == sender || !members.containsKey(to.conn)) {
                continue;                 // itself, or kicked meanwhile by the announcement of another kick
            }
            if (to.conn.pendingOutputBytes() + message.length > MAX_BEHIND_BYTES) {
                kick(to);
            } else {
                to.conn.write(message);   // shared, never modified; a failure means closed: its reader leaves
            }
        }
    }

    /** Holding the room. */
    private void kick(Member laggard) {
        if (members.remove(laggard.conn) == null) {
            return;                       // someone else already did
        }
        laggard.conn.write(TOO_FAR_BEHIND);
        Async.waitFor(laggard.conn.close(), KICK_FLUSH_DEADLINE, loop.timer())
                .exceptionally(timedOut -> {
                    laggard.conn.abort();
                    return null;
                });
        announce(laggard, "* " + laggard.name + " left");
    }

    private void leave(Member m) {
        synchronized (members) {
            if (members.remove(m.conn) != null) {
                announce(m, "* " + m.name + " left");
            }
        }
    }

    /**
     * Tells the sender its line is too long and drops the line: the overrun's bytes, then, unless they ended
     * with the line's LF, the rest up to the next LF.
     *
     * @return a future of whether the connection is still readable
     */
    private static AsyncFuture<Boolean> skipLongLine(Member sender, LimitOverrunException overrun) {
        Connection conn = sender.conn;
        conn.write(TOO_LONG);
        long[] toDrop = {overrun.consumed()};
        boolean[] readable = {true};
        return Async.whileTrue(() -> conn.readExactly((int) toDrop[0]).thenCompose(dropped ->
                        dropped.length > 0 && dropped[dropped.length - 1] == '\n'
                                ? AsyncFuture.completed(false)                 // the line ended in there
                                : conn.readUntil(LF, LINE_LIMIT).handle((tail, failure) -> {
                                    if (failure == null) {
                                        return false;                          // its tail, dropped
                                    }
                                    if (Async.unwrap(failure) instanceof LimitOverrunException more) {
                                        toDrop[0] = more.consumed();           // still no end: drop more
                                        return true;
                                    }
                                    readable[0] = false;
                                    return false;
                                })))
                .handle((done, failure) -> failure == null && readable[0]);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(US_ASCII);
    }

    private static String describe(InetSocketAddress address) {
        return address.getAddress().getHostAddress() + ":" + address.getPort();
    }

    /** A client in the room. */
    private static final class Member {
        final Connection conn;
        final String name;
        final byte[] prefix;

        Member(Connection conn, String name) {
            this.conn = conn;
            this.name = name;
            this.prefix = ascii(name + ": ");
        }
    }
}
