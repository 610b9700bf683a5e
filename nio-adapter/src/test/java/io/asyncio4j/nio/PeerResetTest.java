package io.asyncio4j.nio;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.Connection;
import io.asyncio4j.ConnectionOptions;
import io.asyncio4j.Server;
import io.asyncio4j.ServerOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static io.asyncio4j.nio.LoopFixture.await;
import static io.asyncio4j.nio.LoopFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A peer that resets the connection (SO_LINGER 0, then close) while an operation waits on it: the operation
 * fails with an {@link IOException}, never hangs, and the connection's descriptor, threads and timer tasks are
 * released.
 */
class PeerResetTest {

    /** An operation left waiting on the server's side of a connection when the peer resets it. */
    enum Op {
        READ("", c -> c.read(100)),
        READ_INTO("", c -> c.read(java.nio.ByteBuffer.allocate(100))),
        READ_ALLOCATED("", c -> c.read(100, java.nio.ByteBuffer::allocate)),
        READ_EXACTLY("only ten b", c -> c.readExactly(100)),
        READ_LINE("no line end", c -> c.readLine(100)),
        READ_UNTIL("no delimiter", c -> c.readUntil(new byte[] {'|', '|'}, 100)),
        READ_TO_END("some bytes", c -> c.readToEnd(100)),
        READ_FRAME("no frame", c -> c.readFrame((buffered, end) -> null, 100)),
        WRITE("", c -> c.write(new byte[32 * 1024 * 1024])),
        DRAIN("", c -> {
            c.write(new byte[16 * 1024 * 1024]);
            return c.drain();
        }),
        /*
         * Both complete and the pair fails. Linux reports a reset once: if the write's system call takes the error,
         * the read that follows sees an orderly end of stream, so the read alone may end with null.
         */
        READ_WHILE_WRITING("", c -> {
            AsyncFuture<Void> written = c.write(new byte[16 * 1024 * 1024]);
            return c.readLine(100).thenCombine(written, (line, v) -> line);
        });

        final String sentFirst;
        final Function<Connection, CompletableFuture<?>> start;

        Op(String sentFirst, Function<Connection, CompletableFuture<?>> start) {
            this.sentFirst = sentFirst;
            this.start = start;
        }
    }

    private static final int IO_THREADS = 2;
    private static EventLoop loop;
    private Server server;
    private CompletableFuture<CompletableFuture<?>> started;
    private volatile Op op;
    private int fds;
    private int threads;
    private int timerTasks;

    @BeforeAll
    static void startLoop() {
        loop = EventLoop.builder().name("peer-reset").ioThreads(IO_THREADS).build();
    }

    @AfterAll
    static void stopLoop() {
        loop.close();
    }

    @BeforeEach
    void listen() throws Exception {
        // An idle timeout far beyond the test: each connection has a timer task, which must go with it.
        ConnectionOptions options = ConnectionOptions.defaults().withWriteBuffer(64 * 1024, 64L * 1024 * 1024)
                .withIdleTimeout(java.time.Duration.ofMinutes(5));
        server = LoopFixture.listen(loop, c -> {
            CompletableFuture<?> f = op.start.apply(c);
            started.complete(f);
            return f.handle((v, e) -> null);      // the handler ends normally either way: the server closes
        }, ServerOptions.defaults().withConnectionOptions(options));
        // Warm up: the loop's workers, its timer thread and the first connection's lazily opened descriptors.
        op = Op.READ_TO_END;
        started = new CompletableFuture<>();
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.shutdownOutput();
            await(await(started));
        }
        CompletableFuture<Void> timed = new CompletableFuture<>();
        loop.timer().schedule(java.time.Duration.ZERO, () -> timed.complete(null));
        await(timed);
        eventually("warm-up connection released", () -> server.activeConnections() == 0);
        fds = ResourceCounts.openFileDescriptors();
        threads = Thread.activeCount();
        timerTasks = loop.timer().pendingTasks();
        started = new CompletableFuture<>();
    }

    @AfterEach
    void close() {
        server.close();
        await(server.closed());
    }

    @ParameterizedTest
    @EnumSource(Op.class)
    void aResetFailsTheWaitingOperationWithAnIOExceptionAndReleasesEverything(Op tested) throws Exception {
        op = tested;
        Socket peer = new Socket();
        try {
            peer.setReceiveBufferSize(8 * 1024);                 // so that large writes stay queued
            peer.connect(server.address());
            CompletableFuture<?> waiting = await(started);
            assertThat(loop.timer().pendingTasks()).as("the connection's idle check").isGreaterThan(timerTasks);
            peer.getOutputStream().write(tested.sentFirst.getBytes());
            assertThat(waiting).as("%s before the reset", tested).isNotDone();
            peer.setSoLinger(true, 0);
            peer.close();                                         // RST
            assertThatThrownBy(() -> waiting.get(LoopFixture.WAIT.toSeconds(), TimeUnit.SECONDS))
                    .as("%s after the reset", tested)
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(IOException.class);
        } finally {
            peer.close();
        }
        eventually("the server released the connection", () -> server.activeConnections() == 0);
        eventually("descriptors, threads and timer tasks back to the baseline",
                () -> ResourceCounts.openFileDescriptors() <= fds && Thread.activeCount() <= threads
                        && loop.timer().pendingTasks() <= timerTasks);
    }
}
