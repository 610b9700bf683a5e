package io.asyncio4j.samples.ping;

import io.asyncio4j.Server;
import io.asyncio4j.combinators.Async;
import io.asyncio4j.nio.EventLoop;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * A ping server: prints {@code connected client: HOST:PORT} for each client, then each chunk it sends (up to 1024
 * bytes, decoded as UTF-8) on a line of its own, as {@code print(data.decode("utf8"))}; sends nothing back. Every
 * client is served from one loop, where a blocking server would need a thread each. A connection that sends
 * nothing for the idle timeout (a blocking server's {@code conn.settimeout(5)}) prints
 * {@code close connection by timeout} and is closed.
 */
public final class PingServer {

    /** The most bytes one read takes, as {@code recv(1024)} in Python. */
    public static final int CHUNK = 1024;

    private PingServer() {
    }

    /**
     * Starts listening.
     *
     * @param loop        the loop to serve on
     * @param host        the address to bind
     * @param port        the port, 0 for any
     * @param idleTimeout how long a client may send nothing before it is disconnected; zero for never
     * @param out         where the connection lines and the chunks go
     * @return the running server
     */
    public static Server start(EventLoop loop, String host, int port, Duration idleTimeout, PrintStream out) {
        return loop.listen(host, port, conn -> {
            out.println("connected client: " + describe(conn.remoteAddress()));
            Utf8Chunks text = new Utf8Chunks();
            return Async.whileTrue(() -> {
                var chunk = idleTimeout.isZero() ? conn.read(CHUNK)
                        : Async.waitFor(conn.read(CHUNK), idleTimeout, loop.timer());  // recv() under settimeout
                return chunk.handle((data, failure) -> {
                    if (failure != null) {
                        if (Async.unwrap(failure) instanceof TimeoutException) {
                            out.println("close connection by timeout");
                        }
                        return false;                        // then the server closes the connection
                    }
                    if (!data.hasRemaining()) {
                        return false;                        // the client closed
                    }
                    String chunkText = text.decode(data);
                    if (!chunkText.isEmpty()) {              // empty: only the start of a split character
                        out.println(chunkText);
                    }
                    return true;
                });
            });
        }).join();
    }

    private static String describe(SocketAddress address) {
        InetSocketAddress ip = (InetSocketAddress) address;
        return ip.getAddress().getHostAddress() + ":" + ip.getPort();
    }

    /** Decodes a stream of chunks as UTF-8, carrying a character split between two chunks over to the next. */
    private static final class Utf8Chunks {
        private final CharsetDecoder decoder = UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        private final ByteBuffer carry = ByteBuffer.allocate(CHUNK + 8);

        String decode(ByteBuffer chunk) {
            carry.put(chunk).flip();
            CharBuffer chars = CharBuffer.allocate(carry.remaining());
            decoder.decode(carry, chars, false);
            carry.compact();                     // keeps at most the 3 bytes of an unfinished character
            return chars.flip().toString();
        }
    }
}
