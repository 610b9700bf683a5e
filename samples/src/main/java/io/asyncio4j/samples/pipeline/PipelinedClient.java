package io.asyncio4j.samples.pipeline;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.Connection;
import io.asyncio4j.combinators.Async;
import io.asyncio4j.nio.EventLoop;

import java.io.EOFException;
import java.net.ProtocolException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * A request/response client that pipelines over one connection, as Redis, memcached and SMTP clients do: each
 * request is written as soon as it is made, without waiting for the replies before it, and one reader loop hands
 * each reply to the oldest request still waiting for one. Requests and replies here are lines; a real protocol
 * puts its own framing in {@link #request} and {@code readReplies} ({@code readFrame} with a decoder) and keeps
 * the rest.
 *
 * <pre>{@code
 * PipelinedClient client = PipelinedClient.connect(loop, "127.0.0.1", 6379, 128, 64 * 1024).join();
 * AsyncFuture<List<String>> replies = Async.gather(List.of(client.request("GET a"), client.request("GET b")));
 * }</pre>
 *
 * <p>Everything the client keeps belongs to the connection's executor ({@link Connection#executor()}), as the
 * connection's own state does: a request joins the queue of pending replies and is written in one step there, so
 * the writes go out in the order of the queue whatever threads call {@link #request}; the reader's callbacks run
 * there too. No lock.
 *
 * <ul>
 *   <li><b>Bounded.</b> At most {@code maxPending} requests wait for their replies; one more fails at once with a
 *       {@link RejectedExecutionException} (wait for a reply, or hold an {@code AsyncSemaphore} permit per request,
 *       to stay under the cap). A reply line is at most {@code maxReplyBytes}.</li>
 *   <li><b>Giving up a reply</b> ({@code cancel}, {@code Async.waitFor} timing out, {@code orTimeout}) does not
 *       unsend its request: its reply is still read in its turn and dropped, so the replies after it reach their
 *       own requests. A request given up before it was written is not written.</li>
 *   <li><b>Failure.</b> When the connection fails or the server closes it, when a reply exceeds its limit, or when a
 *       reply comes that no request is waiting for, every pending reply fails with that cause, the connection is
 *       aborted, and later requests fail with the same cause. {@link #close()} fails them with a
 *       {@link ClosedChannelException} and closes the connection.</li>
 *   <li><b>Threads.</b> {@link #request} may be called from any thread. Replies complete on the connection's
 *       executor: do not block in their callbacks.</li>
 * </ul>
 */
public final class PipelinedClient {

    private final Connection conn;
    private final int maxPending;
    private final int maxReplyBytes;
    /** The replies awaited, oldest first, in the order their requests were written. On the connection's executor. */
    private final ArrayDeque<AsyncFuture<String>> pending = new ArrayDeque<>();
    /** Why the client stopped, once it has. On the connection's executor. */
    private Throwable failure;

    private PipelinedClient(Connection conn, int maxPending, int maxReplyBytes) {
        this.conn = conn;
        this.maxPending = maxPending;
        this.maxReplyBytes = maxReplyBytes;
    }

    /**
     * Connects to {@code host:port} and starts a client on the connection.
     *
     * @param loop          the event loop
     * @param host          the server's host
     * @param port          the server's port
     * @param maxPending    the most requests waiting for replies at once, at least 1
     * @param maxReplyBytes the most bytes of a reply line, terminator included
     * @return a future of the client; it fails as {@link EventLoop#connect(String, int)} does
     * @throws IllegalArgumentException if a limit is not positive
     */
    public static AsyncFuture<PipelinedClient> connect(EventLoop loop, String host, int port, int maxPending,
                                                       int maxReplyBytes) {
        checkLimits(maxPending, maxReplyBytes);
        return loop.connect(host, port).thenApply(conn -> start(conn, maxPending, maxReplyBytes));
    }

    /**
     * Starts a client on {@code conn}, which it then owns: nobody else may read from it or write to it.
     *
     * @param conn          an open connection
     * @param maxPending    the most requests waiting for replies at once, at least 1
     * @param maxReplyBytes the most bytes of a reply line, terminator included
     * @return the client, reading replies
     * @throws IllegalArgumentException if a limit is not positive
     */
    public static PipelinedClient start(Connection conn, int maxPending, int maxReplyBytes) {
        checkLimits(maxPending, maxReplyBytes);
        PipelinedClient client = new PipelinedClient(conn, maxPending, maxReplyBytes);
        conn.executor().execute(client::readReplies);
        return client;
    }

    /**
     * Sends {@code line} and returns its reply, without waiting for the replies to earlier requests.
     *
     * @param line the request, without a line terminator
     * @return a future of the reply line, without its terminator, completed on the connection's executor; it fails
     *         with {@link RejectedExecutionException} if {@code maxPending} requests are already waiting, and with
     *         the client's failure once it has stopped (see the class documentation). Giving it up drops the reply.
     * @throws IllegalArgumentException if {@code line} holds a CR or LF
     */
    public AsyncFuture<String> request(String line) {
        if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a request is one line: " + line);
        }
        AsyncFuture<String> reply = new AsyncFuture<>();
        conn.executor().execute(() -> send(line, reply)); // queued and written in one step: writes in queue order
        return reply;
    }

    /**
     * Stops the client: the replies still pending fail with a {@link ClosedChannelException}, so do later requests,
     * and the connection closes once what is queued has been sent.
     *
     * @return a future completed once the connection is closed
     */
    public AsyncFuture<Void> close() {
        conn.executor().execute(() -> {
            stop(new ClosedChannelException());
            conn.close();
        });
        return conn.closed();
    }

    /**
     * Returns a future completed once the client's connection is closed, by {@link #close()} or by a failure.
     *
     * @return a new view of the connection's {@link Connection#closed()}
     */
    public AsyncFuture<Void> closed() {
        return conn.closed();
    }

    /** On the connection's executor. */
    private void send(String line, AsyncFuture<String> reply) {
        if (failure != null) {
            reply.settleExceptionally(failure);
            return;
        }
        if (reply.isDone()) {
            return; // given up before it was written: nothing to send, no reply to wait for
        }
        if (pending.size() >= maxPending) {
            reply.settleExceptionally(new RejectedExecutionException(maxPending + " requests are already pending"));
            return;
        }
        AsyncFuture<Void> written = conn.write(line + "\r\n", UTF_8);
        if (written.isCompletedExceptionally()) {
            // Refused at the call (queue full, output closed): nothing was sent, so no reply will come.
            written.whenComplete((nothing, refused) -> reply.settleExceptionally(Async.unwrap(refused)));
            return;
        }
        pending.addLast(reply);
        written.whenComplete((nothing, broken) -> {
            if (broken != null) {
                fail(Async.unwrap(broken));
            }
        });
    }

    /** On the connection's executor: the one reader, giving each reply line to the oldest pending request. */
    private void readReplies() {
        Async.whileTrue(() -> conn.readLine(maxReplyBytes, UTF_8).thenApply(line -> {
            if (line == null) {
                return false; // the server closed the connection
            }
            AsyncFuture<String> oldest = pending.pollFirst();
            if (oldest == null) {
                throw new CompletionException(new ProtocolException("a reply without a request: " + line));
            }
            oldest.settle(line); // refused if given up: the reply is dropped, the next one still goes to its own
            return true;
        })).whenComplete((ended, broken) ->
                fail(broken != null ? Async.unwrap(broken) : new EOFException("the server closed the connection")));
    }

    /**
     * On the connection's executor: stops the client and aborts the connection, whose stream is of no more use; once
     * stopped (by {@link #close()}, say, whose close then fails the read in flight), there is nothing left to do.
     */
    private void fail(Throwable cause) {
        if (failure == null) {
            stop(cause);
            conn.abort();
        }
    }

    /** On the connection's executor: fails every pending reply and every later request with the first cause. */
    private void stop(Throwable cause) {
        if (failure == null) {
            failure = cause;
        }
        for (AsyncFuture<String> reply; (reply = pending.pollFirst()) != null; ) {
            reply.settleExceptionally(failure);
        }
    }

    private static void checkLimits(int maxPending, int maxReplyBytes) {
        if (maxPending < 1 || maxReplyBytes < 1) {
            throw new IllegalArgumentException("limits must be positive: maxPending " + maxPending
                    + ", maxReplyBytes " + maxReplyBytes);
        }
    }
}
