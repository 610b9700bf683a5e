package io.asyncio4j.benchmarks;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The floor of an HTTP server on NIO.2: completion handlers, one reused direct read buffer and one reused direct
 * response buffer per connection (so the JDK copies nothing on the way), and no parsing beyond finding the end of
 * each request's header section (CRLF CRLF); every request gets the {@code /plaintext} response (same headers as
 * the asyncio4j sample and the Netty peer), all the responses to one read in one write. The bound on what a server
 * that parses, validates and times its requests can reach on NIO.2. Connections are accepted on a thread of their
 * own with {@code accept().get()}, as asyncio4j's listeners do, so new connections do not wait behind a busy I/O
 * thread.
 */
final class Nio2PlaintextServer {

    private static final byte[] END = {'\r', '\n', '\r', '\n'};
    /** IMF-fixdate, RFC 9110 §5.6.7 ({@link DateTimeFormatter#RFC_1123_DATE_TIME} does not pad the day). */
    private static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private static volatile long responseSecond;
    private static volatile byte[] response = response(0);

    private final AsynchronousServerSocketChannel listener;

    Nio2PlaintextServer(String host, int port, int threads) throws IOException {
        listener = Nio2Session.listen(host, port, threads);
        Thread acceptor = new Thread(this::acceptLoop, "nio2-plaintext-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() throws IOException {
        return ((InetSocketAddress) listener.getLocalAddress()).getPort();
    }

    private void acceptLoop() {
        while (listener.isOpen()) {
            AsynchronousSocketChannel ch;
            try {
                ch = listener.accept().get();
            } catch (InterruptedException | ExecutionException e) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // out of descriptors, say: do not spin
                continue;
            }
            try {
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            } catch (IOException e) {
                Nio2Session.close(ch);
                continue;
            }
            new Session(ch).read();
        }
    }

    /** The response for the current second: regenerated when the second changes, like the peers' Date headers. */
    private static byte[] currentResponse() {
        long second = System.currentTimeMillis() / 1000;
        if (second != responseSecond) {
            response = response(second);
            responseSecond = second;
        }
        return response;
    }

    private static byte[] response(long second) {
        String date = HTTP_DATE.format(Instant.ofEpochSecond(second));
        return ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\nDate: " + date
                + "\r\n\r\nHello, World!").getBytes(StandardCharsets.US_ASCII);
    }

    /** Answers every request whose header section ends in the bytes just read, all in one write. */
    private static final class Session extends Nio2Session {
        private final ByteBuffer in = ByteBuffer.allocateDirect(16 * 1024);
        private ByteBuffer out = ByteBuffer.allocateDirect(4 * 1024);
        /** How many bytes of the end-of-headers marker the bytes scanned so far end with. */
        private int matched;

        Session(AsynchronousSocketChannel ch) {
            super(ch);
        }

        @Override
        ByteBuffer readBuffer() {
            return in;
        }

        @Override
        ByteBuffer answer() {
            int requests = countRequests();
            if (requests == 0) {
                return null;
            }
            byte[] r = currentResponse();
            if (out.capacity() < requests * r.length) {
                out = ByteBuffer.allocateDirect(requests * r.length);
            }
            out.clear();
            for (int i = 0; i < requests; i++) {
                out.put(r);
            }
            return out.flip();
        }

        /** Counts the header sections that end in the bytes just read; a partial marker carries over. */
        private int countRequests() {
            int end = in.position();
            int count = 0;
            for (int i = 0; i < end; i++) {
                byte b = in.get(i);
                if (b == END[matched]) {
                    if (++matched == END.length) {
                        count++;
                        matched = 0;
                    }
                } else {
                    matched = b == '\r' ? 1 : 0;
                }
            }
            return count;
        }
    }
}
