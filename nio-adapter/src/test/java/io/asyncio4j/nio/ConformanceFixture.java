package io.asyncio4j.nio;

import io.asyncio4j.Connection;
import io.asyncio4j.ConnectionOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.asyncio4j.nio.LoopFixture.await;
import static io.asyncio4j.nio.LoopFixture.eventually;
import static java.nio.charset.StandardCharsets.US_ASCII;

/**
 * The base of the transport conformance suite: the behaviour of {@link io.asyncio4j.Connection}, written once in
 * abstract subclasses (one per area: reading, writing, closing...) that name no transport, and run on each transport
 * by a subclass of each that passes the transport's {@link TransportKit}. A test opens connections, each with its
 * raw peer ({@link #open}); they are closed when it ends. One test instance serves the whole class, so that the kit
 * starts once: a suite keeps a test's state in locals and in what the test opens, not in fields of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ConformanceFixture {

    private final TransportKit kit;
    /** The connection opened last. */
    StreamConnection conn;
    /** Its peer. */
    Peer peer;
    private final List<TransportKit.Pair> opened = new ArrayList<>();

    ConformanceFixture(TransportKit kit) {
        this.kit = kit;
    }

    /** The kit of the transport under test. */
    TransportKit kit() {
        return kit;
    }

    @BeforeAll
    void startKit() throws Exception {
        kit.start();
    }

    @AfterAll
    void stopKit() throws Exception {
        kit.stop();
    }

    /** Opens a connection with the default options as {@link #conn}, its peer as {@link #peer}. */
    StreamConnection open() throws Exception {
        return open(ConnectionOptions.defaults());
    }

    /** Opens a connection with {@code options} as {@link #conn}, its peer as {@link #peer}. */
    StreamConnection open(ConnectionOptions options) throws Exception {
        TransportKit.Pair pair = kit().open(options);
        opened.add(pair);
        conn = pair.connection();
        peer = pair.peer();
        return conn;
    }

    @AfterEach
    void closeOpened() throws Exception {
        for (TransportKit.Pair pair : opened) {
            pair.close();
        }
        opened.clear();
    }

    void send(String s) throws Exception {
        peer.write(s.getBytes(US_ASCII));
    }

    void send(byte[] bytes) throws Exception {
        peer.write(bytes);
    }

    /** How many received bytes wait in the connection's buffer. */
    long buffered() {
        return conn.bufferedInputBytes();
    }

    /** Sends {@code s} and waits until the connection holds {@code buffered} bytes in all. */
    void sendAndWait(String s, long buffered) throws Exception {
        sendAndWait(s.getBytes(US_ASCII), buffered);
    }

    /** Sends {@code bytes} and waits until the connection holds {@code buffered} bytes in all. */
    void sendAndWait(byte[] bytes, long buffered) throws Exception {
        send(bytes);
        eventually(buffered + " bytes buffered", () -> buffered() == buffered);
    }

    /** Starts a thread that sends bytes 0, 1, 2, ... (mod 256), {@code total} of them, then half-closes. */
    Thread startCountingWriter(int total) {
        Peer to = peer;
        Thread writer = new Thread(() -> {
            try {
                byte[] chunk = new byte[1000];
                for (int i = 0; i < total; i++) {
                    chunk[i % chunk.length] = (byte) i;
                    if (i % chunk.length == chunk.length - 1) {
                        to.write(chunk);
                    }
                }
                to.shutdownOutput();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        writer.start();
        return writer;
    }

    static String text(byte[] b) {
        return new String(b, US_ASCII);
    }

    /** {@code size} bytes of a pattern that repeats only every 256 bytes, so that a lost or moved byte shows. */
    static byte[] pattern(int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }

    /** Runs {@code body} as a callback of {@code c} (on its executor) and waits until it has returned. */
    static void inCallback(Connection c, Runnable body) {
        CompletableFuture<Void> ran = new CompletableFuture<>();
        c.executor().execute(() -> {
            try {
                body.run();
                ran.complete(null);
            } catch (Throwable t) {
                ran.completeExceptionally(t);
            }
        });
        await(ran);
    }
}
