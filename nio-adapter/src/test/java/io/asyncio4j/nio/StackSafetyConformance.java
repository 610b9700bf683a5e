package io.asyncio4j.nio;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.combinators.Async;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static io.asyncio4j.nio.LoopFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Long synchronous chains, each step started in the callback of the one before, on small stacks (the kit's threads
 * and the thread that starts the chain): they must not grow the stack, and every byte comes in order.
 */
abstract class StackSafetyConformance extends ConformanceFixture {

    private static final long SMALL_STACK = 256 * 1024;

    StackSafetyConformance(TransportKit kit) {
        super(kit);
    }

    /** Runs {@code start} on a thread with a small stack, where a chain that nests its steps would overflow. */
    private static <T> T onSmallStack(Supplier<T> start) throws InterruptedException {
        AtomicReference<T> started = new AtomicReference<>();
        Thread starter = new Thread(null, () -> started.set(start.get()), "small-stack-starter", SMALL_STACK);
        starter.start();
        starter.join();
        return started.get();
    }

    @Test
    void aHundredThousandReadsServedFromTheBufferOneAfterAnotherRunOnSmallStacks() throws Exception {
        int total = 100_000;
        open();
        Thread writer = startCountingWriter(total);
        AtomicInteger received = new AtomicInteger();
        AsyncFuture<Void> reading = onSmallStack(() -> Async.whileTrue(() -> conn.readExactly(1).thenApply(b -> {
            if (b[0] != (byte) received.get()) {
                throw new AssertionError("byte " + received.get() + " out of order: " + b[0]);
            }
            return received.incrementAndGet() < total;
        })));
        await(reading);
        writer.join();
        assertThat(received).hasValue(total);
    }

    @Test
    void anEchoOfTwentyThousandReadsAndWritesChainedInCallbacksRunsOnSmallStacks() throws Exception {
        int total = 20_000;
        open();
        Thread writer = startCountingWriter(total);
        AtomicInteger echoed = new AtomicInteger();
        AsyncFuture<Void> echoing = onSmallStack(() -> Async.whileTrue(() -> conn.readExactly(1)
                .thenCompose(b -> conn.write(b)).thenApply(v -> echoed.incrementAndGet() < total)));
        byte[] back = peer.read(total);
        await(echoing);
        writer.join();
        assertThat(back).hasSize(total);
        for (int i = 0; i < total; i++) {
            if (back[i] != (byte) i) {
                assertThat(back[i]).as("byte %d", i).isEqualTo((byte) i);
            }
        }
    }
}
