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
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;

import static java.nio.charset.StandardCharsets.US_ASCII;

/**
 * A telnet-compatible chat. Each line a client sends goes to every other client as
 * {@code HOST:PORT: line\r\n}; joins and leaves are announced as {@code * HOST:PORT joined\r\n} and
 * {@code * HOST:PORT left\r\n}; a newcomer is greeted with {@code * welcome HOST:PORT (N online)\r\n}.
 *
 * <ul>
 *   <li>Lines end with LF or CRLF; the CR is stripped. Empty lines are not relayed.</li>
 *   <li>A line longer than {@link #MAX_LINE_BYTES} is not relayed: the sender gets
 *       {@code * line too long (limit 1024 bytes), not sent\r\n} and stays connected.</li>
 *   <li>Flow control, so that a member who keeps reading gets every line of any paste, and one who stops reading
 *       cannot hold the room up for long. A line is queued to every recipient without waiting. After relaying a
 *       line, the sender's next line is not read while any recipient has more than {@link #SLOW_DOWN_BYTES}
 *       queued: the sender waits (and TCP pushes back on it) until each of those recipients has taken its queue
 *       down to its connection's write low watermark. A recipient that does not get there within the stall limit
 *       ({@link #DEFAULT_STALL_LIMIT} unless given) is disconnected and the sender goes on, so a member who stops
 *       reading delays the others by at most the stall limit per line that found it behind, and leaves the room
 *       within the stall limit of falling {@link #SLOW_DOWN_BYTES} behind while someone talks. A recipient with
 *       {@link #MAX_BEHIND_BYTES} queued (many senders at once) is disconnected at once. A disconnected member
 *       leaves the room (announced as a leave), is sent {@code * you are too far behind; disconnecting\r\n} after
 *       what it already had, and is closed; if that cannot be flushed within {@link #KICK_FLUSH_DEADLINE} the
 *       connection is aborted.</li>
 *   <li>Joins, leaves and lines pass through the room one at a time, so every client sees the events in the same
 *       order, and a newcomer's welcome comes before anything else it is sent. Holding the room only queues
 *       bytes; it never waits for a socket.</li>
 * </ul>
 */
public final class ChatServer {

    /** The longest line relayed, in bytes, without its terminator. */
    public static final int MAX_LINE_BYTES = 1024;

    /** How much output queued for one recipient makes a sender wait before its next line is read. */
    public static final long SLOW_DOWN_BYTES = 64 * 1024;

    /** How much output may be queued for one client before it is disconnected at once. */
    public static final long MAX_BEHIND_BYTES = 1024 * 1024;

    /** How long a recipient that makes a sender wait gets to take its queue down before it is disconnected. */
    public static final Duration DEFAULT_STALL_LIMIT = Duration.ofSeconds(10);

    /** How long a disconnected laggard gets to take its last bytes before its connection is aborted. */
    public static final Duration KICK_FLUSH_DEADLINE = Duration.ofSeconds(5);

    private static final int LINE_LIMIT = MAX_LINE_BYTES + 2;   // room for the CRLF
    private static final byte[] TOO_LONG =
            ascii("* line too long (limit " + MAX_LINE_BYTES + " bytes), not sent\r\n");
    private static final byte[] TOO_FAR_BEHIND = ascii("* you are too far behind; disconnecting\r\n");
    private static final byte[] SHUTTING_DOWN = ascii("* server shutting down\r\n");

    private final EventLoop loop;
    private final Duration stallLimit;
    private final PrintStream out;
    private final Map<Connection, Member> members = new LinkedHashMap<>();   // the room; guarded by itself
    private Server server;

    private ChatServer(EventLoop loop, Duration stallLimit, PrintStream out) {
        this.loop = loop;
        this.stallLimit = stallLimit;
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
        return start(loop, host, port, options, DEFAULT_STALL_LIMIT, out);
    }

    /**
     * Starts the chat with a stall limit of its own.
     *
     * @param loop       the loop to serve on
     * @param host       the address to bind
     * @param port       the port, 0 for any
     * @param options    the listener's options (socket buffer sizes, connection limit)
     * @param stallLimit how long a recipient that makes a sender wait gets before it is disconnected; positive
     * @param out        where joins and leaves are logged
     * @return the running chat
     */
    public static ChatServer start(EventLoop loop, String host, int port, ServerOptions options,
                                   Duration stallLimit, PrintStream out) {
        if (stallLimit.isNegative() || stallLimit.isZero()) {
            throw new IllegalArgumentException("stallLimit must be positive: " + stallLimit);
        }
        ChatServer chat = new ChatServer(loop, stallLimit, out);
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
                        .thenCompose(line -> {
                            if (line == null) {
                                return AsyncFuture.completed(false);     // the client closed
                            }
                            List<Member> behind = relay(me, line);
                            return behind.isEmpty() ? AsyncFuture.completed(true) : waitForRoom(behind);
                        })
                        .exceptionallyCompose(failure -> Async.unwrap(failure) instanceof LimitOverrunException
                                ? skipLongLine(me)
                                : AsyncFuture.completed(false)))  // reset, or closed because it was kicked
                .whenComplete((done, failure) -> leave(me));
    }

    /**
     * Sends {@code line} from {@code sender} to every other member; returns the recipients now more than
     * {@link #SLOW_DOWN_BYTES} behind, which the sender waits for.
     */
    private List<Member> relay(Member sender, byte[] line) {
        if (line.length == 0) {
            return List.of();
        }
        if (line.length > MAX_LINE_BYTES) {
            sender.conn.write(TOO_LONG);
            return List.of();
        }
        byte[] message = new byte[sender.prefix.length + line.length + 2];
        System.arraycopy(sender.prefix, 0, message, 0, sender.prefix.length);
        System.arraycopy(line, 0, message, sender.prefix.length, line.length);
        message[message.length - 2] = '\r';
        message[message.length - 1] = '\n';
        synchronized (members) {
            sendToOthers(sender, message);
            List<Member> behind = new ArrayList<>();
            for (Member to : members.values()) {
                if (to != sender && to.conn.pendingOutputBytes() > SLOW_DOWN_BYTES) {
                    behind.add(to);
                }
            }
            return behind;
        }
    }

    /**
     * The sender waits until each recipient in {@code behind} has taken its queue down to its low watermark; one
     * that does not within the stall limit has stopped reading and is disconnected. Completes with {@code true}.
     */
    private AsyncFuture<Boolean> waitForRoom(List<Member> behind) {
        List<AsyncFuture<Object>> waits = new ArrayList<>(behind.size());
        for (Member m : behind) {
            waits.add(Async.waitFor(m.conn.drain(), stallLimit, loop.timer()).handle((drained, failure) -> {
                if (failure != null && Async.unwrap(failure) instanceof TimeoutException) {
                    synchronized (members) {
                        kick(m);
                    }
                }
                return null;   // drained, disconnected, or closed meanwhile: the room goes on
            }));
        }
        return Async.gather(waits).thenApply(all -> true);
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
     * Tells the sender its line is too long and drops the line, up to and including its LF.
     *
     * @return a future of whether the connection is still readable
     */
    private static AsyncFuture<Boolean> skipLongLine(Member sender) {
        sender.conn.write(TOO_LONG);
        return sender.conn.skipLine().handle((dropped, failure) -> failure == null);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(US_ASCII);
    }

    private static String describe(SocketAddress address) {
        InetSocketAddress ip = (InetSocketAddress) address;
        return ip.getAddress().getHostAddress() + ":" + ip.getPort();
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
