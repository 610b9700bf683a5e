package io.asyncio4j.nio;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.Connection;
import io.asyncio4j.Server;
import io.asyncio4j.combinators.Async;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import static io.asyncio4j.nio.LoopFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many connections read a numbered stream (byte {@code i} is {@code i % 251}) with a random read form per read, and
 * give reads up at random — {@code cancel}, {@code Async.waitFor}, {@code orTimeout}, {@code completeExceptionally}
 * from another thread, on the read's own future or on a stage derived from it — while the bytes arrive. Every byte
 * read is checked against its position: a read given up must lose nothing and invent nothing.
 *
 * <p>It runs for {@code asyncio4j.soak.seconds} (3 by default; {@code -Dasyncio4j.soak.seconds=180} for a soak) over
 * {@code asyncio4j.soak.connections} connections (16).
 */
@org.junit.jupiter.api.Timeout(value = 1, unit = TimeUnit.DAYS) // bounded by its own deadline, which a soak sets
class GiveUpSoakTest {

    private static final int MODULUS = 251;
    private static final long SECONDS = Long.getLong("asyncio4j.soak.seconds", 3);
    private static final int CONNECTIONS = Integer.getInteger("asyncio4j.soak.connections", 16);

    private static EventLoop loop;

    private final LongAdder bytes = new LongAdder();
    private final LongAdder reads = new LongAdder();
    private final LongAdder cancels = new LongAdder();
    private final LongAdder waitFors = new LongAdder();
    private final LongAdder orTimeouts = new LongAdder();
    private final LongAdder foreign = new LongAdder();
    private final LongAdder refused = new LongAdder();

    @BeforeAll
    static void startLoop() {
        loop = EventLoop.builder().name("give-up-soak").ioThreads(2).build();
    }

    @AfterAll
    static void stopLoop() {
        loop.close();
    }

    @Test
    void readsGivenUpAtRandomLoseNoByteOfANumberedStream() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
        Server server = LoopFixture.listen(loop, conn -> writeNumbered(conn, deadline));
        try {
            List<CompletableFuture<Long>> readers = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                Connection c = LoopFixture.connect(loop, server);
                readers.add(new Reader(c).run().whenComplete((n, e) -> c.close()).toCompletableFuture());
            }
            long total = 0;
            for (CompletableFuture<Long> r : readers) {
                total += r.orTimeout(SECONDS + 60, TimeUnit.SECONDS).join();
            }
            System.out.printf("give-up soak: %d connections, %d bytes, %d reads, %d cancels, %d waitFors, "
                            + "%d orTimeouts, %d foreign completions, %d give-ups refused (value on its way), "
                            + "0 bytes lost%n", CONNECTIONS, total, reads.sum(), cancels.sum(), waitFors.sum(),
                    orTimeouts.sum(), foreign.sum(), refused.sum());
            assertThat(total).isEqualTo(bytes.sum()).isPositive();
            assertThat(cancels.sum() + waitFors.sum() + orTimeouts.sum() + foreign.sum()).isPositive();
        } finally {
            server.close();
        }
    }

    /** The server: numbered bytes in writes of random size until the deadline, then the end of the stream. */
    private static CompletionStage<?> writeNumbered(Connection conn, long deadline) {
        long[] next = {0};
        return Async.whileTrue(() -> {
            if (System.nanoTime() > deadline) {
                return AsyncFuture.completed(false);
            }
            int n = 1 + ThreadLocalRandom.current().nextInt(8192);
            byte[] b = new byte[n];
            for (int i = 0; i < n; i++) {
                b[i] = (byte) ((next[0] + i) % MODULUS);
            }
            next[0] += n;
            conn.write(b);
            return conn.drain().thenApply(v -> true);
        }).thenCompose(v -> conn.shutdownOutput());
    }

    /** One client: reads to the end of the stream, checking each byte, giving reads up at random. */
    private final class Reader {
        private final Connection conn;
        private final ByteBuffer reused = ByteBuffer.allocate(4096);
        private long position;

        Reader(Connection conn) {
            this.conn = conn;
        }

        AsyncFuture<Long> run() {
            return Async.whileTrue(this::step).thenApply(v -> position);
        }

        /** One read, perhaps given up; completes with whether the stream goes on. */
        private CompletionStage<Boolean> step() {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            reads.increment();
            AsyncFuture<Boolean> read;
            switch (random.nextInt(6)) {
                case 0:
                    read = conn.read(1 + random.nextInt(5000)).thenApply(this::check);
                    break;
                case 1: {
                    ByteBuffer dst = reused.clear().position(random.nextInt(16));
                    int start = dst.position();
                    read = conn.read(dst).thenApply(n -> {
                        if (n < 0) {
                            return false;
                        }
                        return check(ByteBuffer.wrap(dst.array(), start, n).slice());
                    });
                    break;
                }
                case 2:
                    read = conn.read(1 + random.nextInt(5000), ByteBuffer::allocate).thenApply(this::check);
                    break;
                case 3:
                    read = conn.readExactly(1 + random.nextInt(3000))
                            .handle((b, e) -> e == null ? check(ByteBuffer.wrap(b)) : partial(e));
                    break;
                case 4:
                    read = conn.readUntil(new byte[] {(byte) (MODULUS - 1)}, 1000)
                            .handle((b, e) -> e == null ? check(ByteBuffer.wrap(b)) : partial(e));
                    break;
                default:
                    int size = 1 + random.nextInt(2000);
                    read = conn.readFrame((in, end) -> {
                        if (in.remaining() < size && !end) {
                            return null;
                        }
                        byte[] b = new byte[Math.min(size, in.remaining())];
                        in.get(b);
                        return b;
                    }, 4096).thenApply(b -> b.length == 0 ? false : check(ByteBuffer.wrap(b)));
            }
            return giveUpMaybe(read, random);
        }

        /** The end of the stream reached by a read that wanted more: its partial bytes are the last ones. */
        private boolean partial(Throwable e) {
            Throwable cause = Async.unwrap(e);
            if (cause instanceof io.asyncio4j.IncompleteReadException) {
                check(ByteBuffer.wrap(((io.asyncio4j.IncompleteReadException) cause).partial()));
                return false;
            }
            throw new java.util.concurrent.CompletionException(cause); // a give-up: judged by givenUp below
        }

        private boolean check(ByteBuffer b) {
            if (!b.hasRemaining()) {
                return false;
            }
            while (b.hasRemaining()) {
                byte expected = (byte) (position % MODULUS);
                byte got = b.get();
                if (got != expected) {
                    throw new AssertionError("byte " + position + " is " + got + ", expected " + expected
                            + ": a read given up lost or invented bytes");
                }
                position++;
                bytes.increment();
            }
            return true;
        }

        private CompletionStage<Boolean> giveUpMaybe(AsyncFuture<Boolean> read, ThreadLocalRandom random) {
            AsyncFuture<Boolean> stage;
            switch (random.nextInt(8)) {
                case 0:
                    cancels.increment();
                    countRefused(read.cancel(false));
                    stage = read;
                    break;
                case 1: {
                    cancels.increment();
                    loop.timer().execute(() -> countRefused(read.cancel(false)));
                    stage = read;
                    break;
                }
                case 2:
                    waitFors.increment();
                    stage = Async.waitFor(read, Duration.ofNanos(random.nextInt(200_000)), loop.timer());
                    break;
                case 3:
                    orTimeouts.increment();
                    stage = read.orTimeout(random.nextInt(200), TimeUnit.MICROSECONDS);
                    break;
                case 4: {
                    foreign.increment();
                    ForkJoinPool.commonPool().execute(() ->
                            countRefused(read.completeExceptionally(new IllegalStateException("given up"))));
                    stage = read;
                    break;
                }
                default:
                    stage = read;
            }
            // A read given up counts as nothing read: the stream goes on.
            return stage.handle((more, e) -> e == null ? more : givenUp(e));
        }

        private void countRefused(boolean gaveUp) {
            if (!gaveUp) {
                refused.increment();
            }
        }

        private boolean givenUp(Throwable e) {
            Throwable cause = Async.unwrap(e);
            if (cause instanceof java.util.concurrent.CancellationException
                    || cause instanceof java.util.concurrent.TimeoutException
                    || cause instanceof IllegalStateException && "given up".equals(cause.getMessage())) {
                return true;
            }
            throw new AssertionError("read failed", cause);
        }
    }
}
