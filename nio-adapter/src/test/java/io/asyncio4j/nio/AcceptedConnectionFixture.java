package io.asyncio4j.nio;

import io.asyncio4j.Connection;
import io.asyncio4j.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;

import static io.asyncio4j.nio.LoopFixture.await;
import static io.asyncio4j.nio.LoopFixture.eventually;
import static java.nio.charset.StandardCharsets.US_ASCII;

/**
 * The fixture of the read tests: per test, a connection accepted by a server of the class's loop ({@link #conn},
 * held open until the test ends) and a plain socket as its peer ({@link #peer}, {@link #out}).
 */
abstract class AcceptedConnectionFixture {

    static EventLoop loop;
    Server server;
    final CompletableFuture<Connection> accepted = new CompletableFuture<>();
    final CompletableFuture<Void> release = new CompletableFuture<>();
    Socket peer;
    OutputStream out;
    StreamConnection conn;
    private final boolean noDelay;

    /** @param noDelay whether the peer sets TCP_NODELAY: small writes leave at once, one segment each */
    AcceptedConnectionFixture(boolean noDelay) {
        this.noDelay = noDelay;
    }

    @BeforeAll
    static void startLoop() {
        loop = EventLoop.builder().name("read-test").ioThreads(2).build();
    }

    @AfterAll
    static void stopLoop() {
        loop.close();
    }

    @BeforeEach
    void connectPeer() throws Exception {
        server = LoopFixture.listen(loop, c -> {
            accepted.complete(c);
            return release;
        });
        peer = new Socket("127.0.0.1", server.port());
        if (noDelay) {
            peer.setTcpNoDelay(true);
        }
        out = peer.getOutputStream();
        conn = (StreamConnection) await(accepted);
    }

    @AfterEach
    void close() throws Exception {
        release.complete(null);
        peer.close();
        server.close();
    }

    void send(String s) throws Exception {
        send(s.getBytes(US_ASCII));
    }

    void send(byte[] bytes) throws Exception {
        out.write(bytes);
        out.flush();
    }

    /** Sends {@code s} and waits until the connection holds {@code buffered} bytes in all. */
    void sendAndWait(String s, long buffered) throws Exception {
        sendAndWait(s.getBytes(US_ASCII), buffered);
    }

    /** Sends {@code bytes} and waits until the connection holds {@code buffered} bytes in all. */
    void sendAndWait(byte[] bytes, long buffered) throws Exception {
        send(bytes);
        eventually(buffered + " bytes buffered", () -> conn.bufferedInputBytes() == buffered);
    }

    /** Starts a thread that sends bytes 0, 1, 2, ... (mod 256), {@code total} of them, then half-closes. */
    Thread startCountingWriter(int total) {
        Thread writer = new Thread(() -> {
            try {
                byte[] chunk = new byte[1000];
                for (int i = 0; i < total; i++) {
                    chunk[i % chunk.length] = (byte) i;
                    if (i % chunk.length == chunk.length - 1) {
                        out.write(chunk);
                    }
                }
                peer.shutdownOutput();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        writer.start();
        return writer;
    }
}
