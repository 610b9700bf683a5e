package io.asyncio4j.nio;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.Connection;
import io.asyncio4j.ConnectionOptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static io.asyncio4j.nio.LoopFixture.await;
import static io.asyncio4j.nio.LoopFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A peer that resets the connection (closes it abortively) while an operation waits on it: the operation fails with an
 * {@link IOException}, never hangs, and once the connection is closed its descriptors, threads and timer tasks are
 * released.
 */
abstract class PeerResetConformance extends ConformanceFixture {

    /** An operation left waiting on a connection when the peer resets it. */
    enum Op {
        READ("", c -> c.read(100)),
        READ_INTO("", c -> c.read(ByteBuffer.allocate(100))),
        READ_ALLOCATED("", c -> c.read(100, ByteBuffer::allocate)),
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
         * Both complete and the pair fails. A transport may report a reset once: if the write takes the error, the
         * read that follows may see an orderly end of stream, so the read alone may end with null.
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

    /** An idle timeout far beyond the test: each connection has a timer task, which must go with it. */
    private static final ConnectionOptions OPTIONS = ConnectionOptions.defaults()
            .withWriteBuffer(64 * 1024, 64L * 1024 * 1024).withIdleTimeout(Duration.ofMinutes(5))
            .withSendBufferSize(8 * 1024); // so that large writes stay queued
    private int fds;
    private int threads;
    private int timerTasks;

    PeerResetConformance(TransportKit kit) {
        super(kit);
    }

    @BeforeEach
    void warmUp() throws Exception {
        // The kit's threads, its timer's thread and the first connection's lazily opened descriptors.
        StreamConnection first = open(OPTIONS);
        AsyncFuture<byte[]> all = first.readToEnd(100);
        peer.shutdownOutput();
        await(all);
        await(first.close());
        peer.close();
        CompletableFuture<Void> timed = new CompletableFuture<>();
        kit().timer().schedule(Duration.ZERO, () -> timed.complete(null));
        await(timed);
        fds = ResourceCounts.openFileDescriptors();
        threads = Thread.activeCount();
        timerTasks = kit().timer().pendingTasks();
    }

    @ParameterizedTest
    @EnumSource(Op.class)
    void aResetFailsTheWaitingOperationWithAnIOExceptionAndReleasesEverything(Op tested) throws Exception {
        StreamConnection c = open(OPTIONS);
        CompletableFuture<?> waiting = tested.start.apply(c);
        assertThat(kit().timer().pendingTasks()).as("the connection's idle check").isGreaterThan(timerTasks);
        peer.write(tested.sentFirst);
        assertThat(waiting).as("%s before the reset", tested).isNotDone();
        peer.reset();
        assertThatThrownBy(() -> waiting.get(LoopFixture.WAIT.toSeconds(), TimeUnit.SECONDS))
                .as("%s after the reset", tested)
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(IOException.class);
        await(c.close()); // what a server does when its handler ends
        eventually("descriptors, threads and timer tasks back to the baseline",
                () -> ResourceCounts.openFileDescriptors() <= fds && Thread.activeCount() <= threads
                        && kit().timer().pendingTasks() <= timerTasks);
    }
}
