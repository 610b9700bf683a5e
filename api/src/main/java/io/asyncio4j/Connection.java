package io.asyncio4j;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.IntFunction;

/**
 * A byte stream to a peer (a TCP socket, or a layer over one) as asyncio's {@code StreamReader} and
 * {@code StreamWriter} pair, every operation returning an {@link AsyncFuture}.
 *
 * <pre>{@code
 * // an echo handler: every line back, upper-cased, until the peer ends the stream
 * conn -> Async.whileTrue(() -> conn.readLine(8192, UTF_8).thenCompose(line -> line == null
 *         ? AsyncFuture.completed(false)
 *         : conn.write(line.toUpperCase() + "\n", UTF_8).thenApply(sent -> true)))
 * }</pre>
 *
 * <h2>Reading</h2>
 * Received bytes collect in a buffer bounded by {@link ConnectionOptions#readHighWatermark()}; when it is full
 * the connection stops reading from the socket and TCP pushes back on the peer. One read operation may be pending
 * at a time: a second one started before the first completes fails with an {@link IllegalStateException}.
 * Buffered bytes are returned before a stream error or the end of the stream is reported. Every read that searches
 * takes a limit, except {@link #skipLine()}, which holds nothing: it drops bytes as they arrive.
 * <pre>{@code
 * conn.readLine(8192, US_ASCII)                          // "GET / HTTP/1.1", or null once the peer is done
 * conn.readExactly(4).thenCompose(len ->                 // a length-prefixed record
 *         conn.readExactly(ByteBuffer.wrap(len).getInt()))
 * conn.readUntil("\r\n\r\n".getBytes(US_ASCII), 65536)   // an HTTP head, delimiter included
 * conn.read(buffer)                                      // whatever has arrived, into a buffer reused per read
 * conn.readToEnd(1 << 20)                                // everything until the peer shuts its output down
 * }</pre>
 *
 * <p>How each read form reports the end of the stream (the peer shut its output down or closed) once the bytes
 * before it have been returned:
 * <table>
 *   <caption>The end-of-stream signal of each read</caption>
 *   <tr><th>read</th><th>at the end of the stream</th></tr>
 *   <tr><td>{@link #read(int)}</td><td>a buffer with nothing remaining</td></tr>
 *   <tr><td>{@link #read(ByteBuffer)}</td><td>{@code -1}</td></tr>
 *   <tr><td>{@link #read(int, IntFunction)}</td><td>an empty buffer that is not the allocator's</td></tr>
 *   <tr><td>{@link #readExactly(int)}</td><td>fails with {@link IncompleteReadException} carrying the bytes that
 *       arrived</td></tr>
 *   <tr><td>{@link #readUntil(byte[], int)}</td><td>fails with {@link IncompleteReadException} carrying the bytes
 *       that arrived</td></tr>
 *   <tr><td>{@link #readLine(int)}</td><td>the last line even without {@code \n}, then {@code null}</td></tr>
 *   <tr><td>{@link #readFrame(FrameDecoder, int)}</td><td>the decoder is called with {@code endOfStream};
 *       its {@code null} completes the read with {@code null}</td></tr>
 *   <tr><td>{@link #readToEnd(int)}</td><td>everything received: the end of the stream is its normal
 *       end</td></tr>
 *   <tr><td>{@link #skip(long)}</td><td>fails with {@link IncompleteReadException} carrying the bytes that
 *       arrived</td></tr>
 *   <tr><td>{@link #skipLine()}</td><td>the count dropped before the end (0 if none), then the next read sees
 *       the end</td></tr>
 * </table>
 * A failed stream (a reset, an I/O error) fails every form with the error, after the buffered bytes.
 *
 * <h2>Giving an operation up</h2>
 * A read, write, drain or connect is given up by {@code cancel} or by any completion from outside —
 * {@code complete}, {@code completeExceptionally}, {@code orTimeout}, {@code completeOnTimeout},
 * {@code completeAsync}, {@code obtrude*} — on its own future or on any stage derived from it (see
 * {@link AsyncFuture}). All of these act as {@code cancel} does, and the operation is released before any dependent
 * of the future runs:
 * <ul>
 *   <li>a read is detached: the connection stays usable, no byte is lost and none is invented; bytes the read had
 *       already taken from the connection's buffer, or copied into the caller's, are put back at the front, and the
 *       next read returns them and what arrived meanwhile. The caller's buffer ({@link #read(ByteBuffer)},
 *       {@link #read(int, IntFunction)}) is let go of, its position put back, before any dependent sees the
 *       outcome, so a dependent may reuse it at once. (The read from the socket itself is never cancelled.) The one
 *       exception is {@link #skipLine()}: what it dropped before the give-up stays dropped.</li>
 *   <li>a write still queued leaves the queue; one the socket has started to send aborts the connection, since the
 *       peer would otherwise see a truncated message;</li>
 *   <li>a drain stops waiting; a connect closes its socket.</li>
 * </ul>
 * An operation that has already delivered cannot be given up: {@code cancel} and {@code complete} return
 * {@code false} and the stage gets the value. So {@code conn.readLine(n, UTF_8).thenApply(parse).orTimeout(5,
 * SECONDS)} can time out a request without ever losing a reply line.
 *
 * <h2>Writing</h2>
 * {@code write} queues the bytes and returns a future completed when all of them have been handed to the socket.
 * The connection keeps a reference to the caller's buffer or array until then: do not modify it before. Queued
 * output is capped ({@link ConnectionOptions#maxQueuedWriteBytes()}): a write is admitted, whatever its size, while
 * the bytes already queued are below the cap, so the queue holds at most the cap plus one write, and a single write
 * larger than the cap goes through; a write made once the queue has reached the cap fails with
 * {@link WriteQueueFullException} and is not queued. Use {@link #drain()} as in asyncio to wait for room: a writer
 * that drains between writes is never refused.
 * Writes made from this connection's own callbacks (code running on its {@link #executor()}) are held until the
 * callbacks queued at that moment have run, then leave together in one socket write: the replies to pipelined
 * requests share a system call. Writes from any other thread start at once when the connection's executor is idle,
 * else as soon as the callbacks it is running are done.
 * Giving up a queued write that has not started removes it; giving up one that the socket has already started
 * to send aborts the connection (see below).
 * <pre>{@code
 * conn.write(reply, UTF_8).thenCompose(sent -> conn.drain())   // asyncio: writer.write(b); await writer.drain()
 * conn.shutdownOutput()                                        // asyncio: writer.write_eof()
 * }</pre>
 *
 * <h2>Closing</h2>
 * {@link #close()} flushes queued output then closes; {@link #abort()} closes without flushing. After either,
 * pending and later operations fail: with {@link java.nio.channels.ClosedChannelException} after a close, with
 * {@link ConnectionAbortedException} after an abort, with {@link java.nio.channels.InterruptedByTimeoutException}
 * after the idle timeout closed the connection.
 * <pre>{@code
 * conn.close().thenRun(() -> log.info("closed"))   // queued output sent first; asyncio: close(); wait_closed()
 * conn.readLine(8192, UTF_8).orTimeout(5, SECONDS)  // a timeout gives the read up; the connection stays usable
 * }</pre>
 *
 * <h2>Threads</h2>
 * The futures of one connection complete on its {@link #executor()}: an I/O thread of the event loop, a worker
 * thread of the loop, or the thread that called the operation when its result was already available. Callbacks
 * of one connection never run concurrently with each other. Do not block in them.
 *
 * <p>A connection's state belongs to its executor, as a Netty channel's belongs to its event loop, and nothing in
 * it is locked. An operation called from one of the connection's callbacks takes effect at once; one called from
 * another thread is handed to the executor, in call order with that thread's other calls: on a NIO.2 socket it
 * runs on the calling thread if the executor is idle (that thread runs its own operation there, not the
 * connection's other work), else after the callbacks the executor is running. A {@link #close()} or {@link #shutdownOutput()} called from a
 * callback takes effect after the writes other threads made before it. Whatever the thread, the cap on queued
 * output ({@link WriteQueueFullException}), a closed connection and a shut-down output are checked on the calling
 * thread, before the operation returns; {@link #isOpen()} is false as soon as {@code close} or {@code abort}
 * returns, and {@link #pendingOutputBytes()} counts a write as soon as {@code write} returns. A read of the
 * caller's buffer ({@link #read(ByteBuffer)}, {@link #read(int, IntFunction)}) given up from any thread lets go of
 * the buffer on that thread before the read's future completes: its dependents, and the caller once the give-up
 * returns, may reuse it.
 */
public interface Connection {

    /**
     * Reads up to {@code maxBytes}: whatever is buffered, or the next bytes to arrive (asyncio {@code read(n)}).
     *
     * @param maxBytes the most bytes to return, at least 1
     * @return a future of a buffer positioned at its first byte, with 1 to {@code maxBytes} bytes remaining, or
     *         none at the end of the stream; the caller owns it
     * @throws IllegalArgumentException if {@code maxBytes} is not positive
     */
    AsyncFuture<ByteBuffer> read(int maxBytes);

    /**
     * Reads up to {@code dst.remaining()} bytes into the caller's buffer (asyncio's {@code BufferedProtocol}
     * style): whatever is buffered, or the next bytes to arrive. A reader that reuses one buffer allocates
     * nothing per read; this is the fastest way to stream bytes through.
     *
     * <p>Leave {@code dst} alone until the future completes. If the read is given up (cancelled, or completed from
     * outside) after bytes were copied into {@code dst}, its position is put back and the bytes stay in the
     * connection for the next read, before any dependent of the future runs.
     *
     * @param dst where to put the bytes, from its position; its position advances by the count read
     * @return a future of the count read, at least 1, or -1 at the end of the stream
     * @throws IllegalArgumentException if {@code dst} has no room or is read-only
     */
    AsyncFuture<Integer> read(ByteBuffer dst);

    /**
     * Reads up to {@code maxBytes} into a buffer that {@code allocator} supplies once the bytes are there (asyncio's
     * {@code BufferedProtocol.get_buffer(sizehint)}, Netty's pooled allocation on read): a reader that takes its
     * buffers from a pool and returns them after use allocates nothing per read, and an idle connection holds no
     * buffer at all, unlike {@link #read(ByteBuffer)} with a buffer kept per connection.
     *
     * <p>{@code allocator} is called with the number of bytes about to be delivered, at most {@code maxBytes}, on
     * the connection's executor in the middle of its bookkeeping: it must be quick, must not block, and must not
     * call the connection. It returns a writable buffer with room for at least one byte; the
     * bytes go in from its position, as many as fit. If the read is cancelled after the allocation, the bytes go
     * back to the connection for the next read and the buffer is dropped, not handed back.
     *
     * @param maxBytes  the most bytes to return, at least 1
     * @param allocator supplies the buffer, given the byte count
     * @return a future of the allocator's buffer, positioned at the first byte read and limited after the last;
     *         at the end of the stream, of an empty buffer that is not the allocator's. It fails with what the
     *         allocator threw (the bytes stay buffered), with {@link IllegalStateException} if it returned a
     *         buffer that is read-only or has no room, and with the stream's failure
     * @throws IllegalArgumentException if {@code maxBytes} is not positive
     */
    AsyncFuture<ByteBuffer> read(int maxBytes, IntFunction<ByteBuffer> allocator);

    /**
     * Reads exactly {@code n} bytes (asyncio {@code readexactly}).
     *
     * @param n how many bytes, at least 0
     * @return a future of the bytes; it fails with {@link IncompleteReadException}, carrying the bytes that
     *         arrived, if the stream ends first
     * @throws IllegalArgumentException if {@code n} is negative
     */
    AsyncFuture<byte[]> readExactly(int n);

    /**
     * Reads up to and including the first occurrence of {@code delimiter} (asyncio {@code readuntil}).
     *
     * @param delimiter the bytes that end the record, not empty
     * @param limit     the most bytes the record may have, delimiter included
     * @return a future of the record with its delimiter; it fails with {@link LimitOverrunException} (the bytes
     *         stay buffered) when no delimiter is found within {@code limit}, and with
     *         {@link IncompleteReadException} (the bytes are consumed) when the stream ends first
     * @throws IllegalArgumentException if the delimiter is empty or {@code limit} is shorter than it
     */
    AsyncFuture<byte[]> readUntil(byte[] delimiter, int limit);

    /**
     * Reads one message with {@code decoder}, parsed straight from the received bytes: the decoder is called with
     * everything buffered (up to {@code limit} bytes) whenever bytes arrive, until it returns a message; only the
     * bytes it advanced past are consumed. One future per message, however many lines or fields it has, and no
     * copy of the bytes unless the message spans two socket reads.
     *
     * <p>If a stream error follows the buffered bytes, the decoder is still offered them (not as the end of the
     * stream) and the read fails with the error if it returns {@code null}. Cancelling the read before its
     * delivery puts the consumed bytes back, as for the other reads.
     *
     * @param decoder decodes the message; see {@link FrameDecoder} for the thread it runs on
     * @param limit   the most bytes the message may have; the decoder never sees more
     * @param <T>     the message type
     * @return a future of the message, or of {@code null} if the decoder returned {@code null} at the end of the
     *         stream; it fails with what the decoder threw (nothing consumed), and with
     *         {@link LimitOverrunException} (the bytes stay buffered) when {@code limit} bytes are buffered and
     *         the decoder still needs more
     * @throws IllegalArgumentException if {@code limit} is not positive
     */
    <T> AsyncFuture<T> readFrame(FrameDecoder<T> decoder, int limit);

    /**
     * Reads one line (asyncio {@code readline}, with the terminator stripped).
     *
     * <p>A line ends at {@code \n}; a {@code \r} just before it is stripped too. At the end of the stream the
     * last line is returned even without a terminator, and once nothing is left the result is {@code null}.
     *
     * @param limit the most bytes the line may have, terminator included
     * @return a future of the line without its terminator, or {@code null} at the end of the stream; it fails
     *         with {@link LimitOverrunException} (the bytes stay buffered) when no terminator is found within
     *         {@code limit}
     * @throws IllegalArgumentException if {@code limit} is not positive
     */
    AsyncFuture<byte[]> readLine(int limit);

    /**
     * Reads one line as text: {@link #readLine(int)} decoded with {@code charset}.
     *
     * @param limit   the most bytes the line may have, terminator included
     * @param charset how to decode the line; malformed input is replaced
     * @return a future of the line without its terminator, or {@code null} at the end of the stream
     */
    AsyncFuture<String> readLine(int limit, Charset charset);

    /**
     * Reads everything until the peer ends the stream (asyncio {@code read()} with no argument).
     *
     * @param limit the most bytes to accept
     * @return a future of all the bytes; it fails with {@link LimitOverrunException} (the bytes stay buffered)
     *         if more than {@code limit} bytes arrive
     * @throws IllegalArgumentException if {@code limit} is negative
     */
    AsyncFuture<byte[]> readToEnd(int limit);

    /**
     * Reads everything until the end of the stream as text: {@link #readToEnd(int)} decoded with
     * {@code charset}.
     *
     * @param limit   the most bytes to accept
     * @param charset how to decode; malformed input is replaced
     * @return a future of the text
     */
    AsyncFuture<String> readToEnd(int limit, Charset charset);

    /**
     * Discards exactly {@code n} bytes (Okio's {@code skip}), without copying them: a body or a frame the program
     * does not need.
     *
     * <p>The bytes are dropped once all {@code n} have arrived; until then the connection holds them, as
     * {@link #readExactly(int)} does, so that a skip given up puts every one of them back like any other read.
     * Skip a stretch too long to hold in pieces.
     *
     * @param n how many bytes, at least 0
     * @return a future completed once the bytes are dropped; it fails with {@link IncompleteReadException} if the
     *         stream ends first (its {@code partial()} holds the bytes there were, consumed), and with the stream's
     *         failure
     * @throws IllegalArgumentException if {@code n} is negative
     */
    AsyncFuture<Void> skip(long n);

    /**
     * Discards the rest of the current line, through the next {@code \n}, however long it is: the way out of a
     * line that overran {@link #readLine(int)}'s limit, where asyncio's {@code readline} clears the overrun.
     *
     * <pre>{@code
     * conn.readLine(1024, UTF_8).exceptionallyCompose(e ->
     *         Async.unwrap(e) instanceof LimitOverrunException
     *                 ? conn.skipLine().thenApply(dropped -> "")   // the too-long line, gone
     *                 : AsyncFuture.failed(e));
     * }</pre>
     *
     * <p>Unlike the other reads it drops bytes as they arrive instead of holding the line, so it takes no limit and
     * holds no more than the connection's read buffer. For the same reason, a skip given up before it finds the
     * {@code \n} leaves dropped what it had dropped; the next read starts at the first byte it had not dropped.
     *
     * @return a future of how many bytes were dropped, the {@code \n} included; at the end of the stream, of how
     *         many were dropped before it (0 if none were left), the next read then seeing the end. It fails with the
     *         stream's failure
     */
    AsyncFuture<Long> skipLine();

    /**
     * Queues the remaining bytes of {@code buffer} for sending. Does not copy: leave the buffer alone until the
     * future completes.
     *
     * @param buffer the bytes to send, from its position to its limit
     * @return a future completed when the bytes are handed to the socket; it fails with
     *         {@link WriteQueueFullException} at once when the bytes already queued have reached the cap (never
     *         for the size of this write alone), and with the connection's failure
     *         if it closes first
     */
    AsyncFuture<Void> write(ByteBuffer buffer);

    /**
     * Queues {@code bytes} for sending, without copying; see {@link #write(ByteBuffer)}.
     *
     * @param bytes the bytes to send
     * @return a future completed when the bytes are handed to the socket
     */
    AsyncFuture<Void> write(byte[] bytes);

    /**
     * Encodes {@code text} with {@code charset} and queues it; see {@link #write(ByteBuffer)}.
     *
     * @param text    the text to send
     * @param charset how to encode it
     * @return a future completed when the bytes are handed to the socket
     */
    AsyncFuture<Void> write(CharSequence text, Charset charset);

    /**
     * Waits until queued output is at or below {@link ConnectionOptions#writeLowWatermark()} (asyncio
     * {@code drain}). Any number of callers may wait at once.
     *
     * @return a future completed when there is room, at once if there already is; it fails with the connection's
     *         failure (a {@code ClosedChannelException} after {@link #close()}) if the connection is closed, at
     *         once, or closes with output still queued; cancelling it cancels only this wait
     */
    AsyncFuture<Void> drain();

    /**
     * Returns how many bytes are queued and not yet handed to the socket (asyncio
     * {@code get_write_buffer_size}).
     *
     * @return queued output in bytes
     */
    long pendingOutputBytes();

    /**
     * Sends queued output, then shuts the output side down so the peer reads the end of the stream (asyncio
     * {@code write_eof}); reading goes on. Later writes fail with {@link java.nio.channels.ClosedChannelException}.
     * On a TLS connection the end is {@code close_notify}, then the socket's own; a TLS 1.3 peer may go on sending,
     * a TLS 1.2 peer usually answers with its own {@code close_notify} and closes.
     *
     * @return a future completed once the output is shut down
     */
    AsyncFuture<Void> shutdownOutput();

    /**
     * Closes gracefully: stops accepting writes, sends queued output, then closes the socket. Pending reads fail
     * with {@link java.nio.channels.AsynchronousCloseException}. Idempotent. On a TLS connection the queued output
     * is followed by {@code close_notify}, sent within {@link TlsOptions#closeNotifyFlushTimeout()}; the close then
     * waits for the peer's {@code close_notify} only as {@link TlsOptions#closeNotifyReadTimeout()} says.
     *
     * @return a future completed when the socket is closed; cancelling it does not stop the close
     */
    AsyncFuture<Void> close();

    /**
     * Closes now, dropping queued output (and, on TLS, sending no {@code close_notify}): pending and later operations fail with
     * {@link ConnectionAbortedException}. Called from another thread while the connection's callbacks run, the
     * connection refuses new operations at once and closes the socket as soon as those callbacks are done.
     * Idempotent.
     */
    void abort();

    /**
     * Returns a future completed when the connection is closed, however that happened (asyncio
     * {@code wait_closed}). Each call returns a new view: cancelling it affects no one else.
     *
     * @return a future that completes normally once the socket is closed
     */
    AsyncFuture<Void> closed();

    /**
     * Returns whether the connection is open: neither closing nor closed.
     *
     * @return {@code true} while open
     */
    boolean isOpen();

    /**
     * Returns the local address.
     *
     * @return the address this end is bound to: an {@link java.net.InetSocketAddress} for TCP, a
     *         {@link java.net.UnixDomainSocketAddress} for a Unix-domain socket
     */
    SocketAddress localAddress();

    /**
     * Returns the peer's address.
     *
     * @return the address of the other end: an {@link java.net.InetSocketAddress} for TCP, a
     *         {@link java.net.UnixDomainSocketAddress} for a Unix-domain socket, where a client's is often unnamed
     *         (an empty path)
     */
    SocketAddress remoteAddress();

    /**
     * Reads a socket option.
     *
     * @param option the option
     * @param <T>    its type
     * @return its value
     * @throws IOException if the socket is closed or the option cannot be read
     */
    <T> T getOption(SocketOption<T> option) throws IOException;

    /**
     * Sets a socket option.
     *
     * @param option the option
     * @param value  its new value
     * @param <T>    its type
     * @throws IOException if the socket is closed or the option cannot be set
     */
    <T> void setOption(SocketOption<T> option, T value) throws IOException;

    /**
     * Returns the executor this connection completes its futures on: tasks given to it run one at a time, in
     * order, never concurrently with this connection's callbacks; a task must not block. Which thread runs it is
     * the transport's: on the NIO.2 sockets of today's event loop, the calling thread if the executor is idle, else
     * the thread running the current task, after it; a transport whose executor is a loop thread runs every task
     * there. Use it with the {@code Async} forms of {@code CompletableFuture} to run work serialized with the
     * connection.
     *
     * @return the connection's serial executor
     */
    Executor executor();

    /**
     * Upgrades the connection to TLS in place (asyncio {@code start_tls}; SMTP's, IMAP's or PostgreSQL's STARTTLS):
     * the same connection object then reads and writes through TLS. On the connection's executor, after the writes
     * other threads made before this call: writes queued before it are sent in plaintext first; the bytes already
     * received and not read, and those of the socket read in flight, are the handshake's, so a ClientHello that
     * arrived with the plaintext before it is not lost. Refused with an {@link IllegalStateException} while a read is
     * pending (its bytes would come from either side of the switch), on a connection that is already TLS, or while
     * another upgrade is under way; a read started meanwhile waits for the handshake.
     *
     * <p>The future fails with the handshake's {@link javax.net.ssl.SSLException} (a
     * {@link TlsHandshakeTimeoutException} when {@link TlsOptions#handshakeTimeout()} passes), or with the
     * connection's failure if it closes first; the connection is then aborted. Giving it up aborts the connection.
     *
     * @param options {@link TlsOptions#client()} options on the side that plays the TLS client (with
     *                {@link TlsOptions#withServerName} for the certificate check), server options on the other
     * @return a future of the handshake's result, completed on the connection's executor
     */
    AsyncFuture<TlsSession> startTls(TlsOptions options);

    /**
     * Returns what the TLS handshake settled, once it has.
     *
     * @return the session of a TLS connection whose handshake is complete; empty on a plain connection
     */
    Optional<TlsSession> tls();
}
