package io.asyncio4j.nio;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.ConnectionOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.AsynchronousSocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.asyncio4j.nio.LoopFixture.await;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A connection whose executor is one loop thread, as a selector loop's will be ({@link LoopThreadExecutor}): its
 * callbacks run on that thread, calls from other threads are queued to it, and reading, writing and closing work
 * as on the NIO.2 group's serial executor.
 */
class LoopThreadExecutorTest {

    private static EventLoop loop;
    private LoopThreadExecutor executor;
    private ServerSocket listener;
    private Socket peer;
    private StreamConnection conn;

    @BeforeAll
    static void startLoop() {
        loop = EventLoop.builder().name("loop-thread-test").ioThreads(2).build();
    }

    @AfterAll
    static void stopLoop() {
        loop.close();
    }

    @BeforeEach
    void connect() throws Exception {
        executor = new LoopThreadExecutor("connection-loop");
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        AsynchronousSocketChannel ch = AsynchronousSocketChannel.open(loop.group());
        ch.connect(listener.getLocalSocketAddress()).get(LoopFixture.WAIT.toSeconds(), TimeUnit.SECONDS);
        peer = listener.accept();
        conn = new StreamConnection(new SocketTransport(ch), executor, ConnectionOptions.defaults(), loop.timer());
        conn.start();
    }

    @AfterEach
    void close() throws Exception {
        conn.abort();
        peer.close();
        listener.close();
        executor.close();
    }

    @Test
    void callbacksRunOnTheLoopThread() throws Exception {
        CompletableFuture<String> thread = new CompletableFuture<>();
        AsyncFuture<byte[]> line = conn.readLine(64);
        line.thenRun(() -> thread.complete(Thread.currentThread().getName()));
        peer.getOutputStream().write("hello\n".getBytes(US_ASCII));
        // The thread is awaited first: a get() on the line could run its callback itself.
        assertThat(await(thread)).isEqualTo(executor.threadName());
        assertThat(new String(await(line), US_ASCII)).isEqualTo("hello");
    }

    @Test
    void anEchoLoopDrivenFromTheLoopThreadAnswersEveryLine() throws Exception {
        echoLines(conn);
        BufferedReader in = new BufferedReader(new InputStreamReader(peer.getInputStream(), US_ASCII));
        for (int i = 0; i < 100; i++) {
            peer.getOutputStream().write(("line " + i + "\n").getBytes(US_ASCII));
            assertThat(in.readLine()).isEqualTo("line " + i);
        }
    }

    private static void echoLines(StreamConnection c) {
        c.readLine(64).thenAccept(line -> {
            if (line != null) {
                c.write(line);
                c.write(new byte[] {'\n'});
                echoLines(c);
            }
        });
    }

    @Test
    void closeFromAnotherThreadSendsTheWritesBeforeIt() throws Exception {
        conn.write("last words", US_ASCII);
        await(conn.close());
        assertThat(new String(peer.getInputStream().readAllBytes(), US_ASCII)).isEqualTo("last words");
    }
}
