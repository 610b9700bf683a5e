package io.asyncio4j.nio;

import io.asyncio4j.AsyncFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntFunction;

import static io.asyncio4j.nio.LoopFixture.await;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code read(maxBytes, allocator)}: the bytes land in the allocator's buffer, asked for only once they are there,
 * with the count as the size hint; refusals and cancellations lose no byte.
 */
abstract class AllocatedReadConformance extends ConformanceFixture {

    AllocatedReadConformance(TransportKit kit) {
        super(kit);
    }

    @BeforeEach
    void openConnection() throws Exception {
        open();
    }

    private static String text(ByteBuffer b) {
        return US_ASCII.decode(b.duplicate()).toString();
    }

    private static Throwable failureOf(CompletableFuture<?> f) {
        try {
            Object value = await(f);
            throw new AssertionError("expected a failure, got " + value);
        } catch (CompletionException e) {
            return e.getCause();
        }
    }

    /** An allocator that records the hints it is given and hands out the buffers it is told to. */
    private static final class Recording implements IntFunction<ByteBuffer> {
        final List<Integer> hints = new CopyOnWriteArrayList<>();
        final List<ByteBuffer> given = new CopyOnWriteArrayList<>();
        private final IntFunction<ByteBuffer> make;

        Recording(IntFunction<ByteBuffer> make) {
            this.make = make;
        }

        @Override
        public ByteBuffer apply(int hint) {
            hints.add(hint);
            ByteBuffer b = make.apply(hint);
            given.add(b);
            return b;
        }
    }

    @Test
    void bufferedBytesGoIntoTheAllocatorsBufferSizedByTheHint() throws Exception {
        sendAndWait("hello world", 11);
        Recording allocator = new Recording(ByteBuffer::allocate);
        ByteBuffer first = await(conn.read(5, allocator));
        assertThat(text(first)).isEqualTo("hello");
        assertThat(first).isSameAs(allocator.given.get(0));
        assertThat(allocator.hints).containsExactly(5);
        ByteBuffer rest = await(conn.read(100, allocator));
        assertThat(text(rest)).isEqualTo(" world");
        assertThat(allocator.hints).containsExactly(5, 6);
    }

    @Test
    void theAllocatorIsAskedOnlyOnceBytesArriveAndTheyGoStraightIntoItsBuffer() throws Exception {
        Recording allocator = new Recording(ByteBuffer::allocate);
        AsyncFuture<ByteBuffer> pending = conn.read(64, allocator);
        assertThat(allocator.hints).isEmpty();   // an idle read holds no buffer
        send("abc");
        ByteBuffer b = await(pending);
        assertThat(text(b)).isEqualTo("abc");
        assertThat(allocator.hints).containsExactly(3);
        assertThat(b).isSameAs(allocator.given.get(0));
    }

    @Test
    void theBytesGoInFromTheBuffersPositionAsManyAsFit() throws Exception {
        sendAndWait("abcdef", 6);
        ByteBuffer pooled = ByteBuffer.allocate(16).position(12);   // room for four
        ByteBuffer b = await(conn.read(100, n -> pooled));
        assertThat(b.position()).isEqualTo(12);
        assertThat(b.limit()).isEqualTo(16);
        assertThat(text(b)).isEqualTo("abcd");
        assertThat(text(await(conn.read(100)))).isEqualTo("ef");
    }

    @Test
    void atTheEndOfTheStreamTheResultIsEmptyAndNotTheAllocators() throws Exception {
        Recording allocator = new Recording(ByteBuffer::allocate);
        peer.shutdownOutput();
        ByteBuffer b = await(conn.read(64, allocator));
        assertThat(b.hasRemaining()).isFalse();
        assertThat(allocator.hints).isEmpty();
    }

    @Test
    void anAllocatorThatThrowsFailsTheReadAndTheBytesStay() throws Exception {
        sendAndWait("kept", 4);
        IllegalStateException refused = new IllegalStateException("pool exhausted");
        assertThat(failureOf(conn.read(64, n -> {
            throw refused;
        }))).isSameAs(refused);
        assertThat(text(await(conn.read(64)))).isEqualTo("kept");
    }

    @Test
    void anAllocatorThatThrowsWhenBytesArriveFailsTheWaitingReadAndTheBytesStay() throws Exception {
        AsyncFuture<ByteBuffer> pending = conn.read(64, n -> {
            throw new IllegalStateException("pool exhausted");
        });
        send("kept");
        assertThat(failureOf(pending)).isInstanceOf(IllegalStateException.class).hasMessage("pool exhausted");
        assertThat(text(await(conn.read(64)))).isEqualTo("kept");
    }

    @Test
    void aBufferWithoutRoomOrReadOnlyOrNullIsRefusedAndTheBytesStay() throws Exception {
        sendAndWait("kept", 4);
        assertThat(failureOf(conn.read(64, n -> ByteBuffer.allocate(0))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no room");
        assertThat(failureOf(conn.read(64, n -> ByteBuffer.allocate(8).asReadOnlyBuffer())))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("read-only");
        assertThat(failureOf(conn.read(64, n -> null)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("null");
        assertThat(text(await(conn.read(64)))).isEqualTo("kept");
    }

    @Test
    void illegalArgumentsAreRejected() {
        assertThatThrownBy(() -> conn.read(0, ByteBuffer::allocate)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> conn.read(1, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void aCancelAfterTheClaimBeforeTheDeliveryPutsTheBytesBack() throws Exception {
        sendAndWait("abcdef", 6);
        ByteBuffer pooled = ByteBuffer.allocate(64);
        CompletableFuture<Boolean> cancelled = new CompletableFuture<>();
        conn.executor().execute(() -> {
            // On the connection's executor: the claim happens now, the delivery is queued behind this task.
            AsyncFuture<ByteBuffer> read = conn.read(4, n -> pooled);
            boolean claimed = buffered() == 2;
            cancelled.complete(claimed && read.cancel(false));
        });
        assertThat(await(cancelled)).as("claimed, then cancelled before its delivery").isTrue();
        pooled.clear().put(new byte[64]);   // the pool reuses its buffer: the bytes must not live only there
        assertThat(buffered()).isEqualTo(6);
        assertThat(new String(await(conn.readExactly(6)), US_ASCII)).isEqualTo("abcdef");
    }

    @Test
    void readsCancelledWhileDataArrivesLoseNoByteWithOnePooledBuffer() throws Exception {
        int total = 200_000;
        Thread writer = startCountingWriter(total);
        ByteBuffer pooled = ByteBuffer.allocate(4096);
        int received = 0;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (true) {
            AsyncFuture<ByteBuffer> f = conn.read(1 + random.nextInt(3000), n -> pooled.clear());
            if (random.nextInt(3) == 0 && f.cancel(false)) {
                // The buffer may go back to the pool once the cancel returned: scribbling on it cannot reach the stream.
                Arrays.fill(pooled.array(), (byte) 0x5A);
            }
            ByteBuffer b;
            try {
                b = await(f);
            } catch (CancellationException cancelled) {
                continue;
            }
            if (!b.hasRemaining()) {
                break;
            }
            assertThat(b).isSameAs(pooled);
            while (b.hasRemaining()) {
                assertThat(b.get()).as("byte %d", received).isEqualTo((byte) received);
                received++;
            }
        }
        writer.join();
        assertThat(received).isEqualTo(total);
    }
}
