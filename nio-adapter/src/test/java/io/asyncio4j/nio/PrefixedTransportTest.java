package io.asyncio4j.nio;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The transport a hand-over gives the new layer serves the raw stream in order: the unread bytes, then the raw read
 * that was in flight, then the transport underneath, however the new layer's reads cut it.
 */
class PrefixedTransportTest {

    private static String read(ByteTransport t, int room) {
        ByteBuffer dst = ByteBuffer.allocate(room);
        CompletableFuture<Integer> n = new CompletableFuture<>();
        t.read(dst, n, FutureCompletion.INSTANCE);
        assertThat(n).as("completes at once from the prefix").isDone();
        return new String(dst.array(), 0, n.join(), US_ASCII);
    }

    private static ByteBuffer unread(String s) {
        return ByteBuffer.wrap(s.getBytes(US_ASCII));
    }

    /** The earlier read's buffer as the pump leaves it: filled, not flipped. */
    private static ByteBuffer filled(String s) {
        return ByteBuffer.allocate(64).put(s.getBytes(US_ASCII));
    }

    @Test
    void theEarlierReadsBytesComeAfterThePrefixTheNewLayerHasOnlyPartlyRead() {
        MemoryTransport lower = MemoryTransport.pair(1024, 1024, Runnable::run, true);
        PrefixedTransport t = new PrefixedTransport(lower, unread("0123456789"), false, null, true);

        assertThat(read(t, 4)).isEqualTo("0123");
        t.earlierReadCompleted(5, filled("abcde"), null);

        assertThat(read(t, 64)).isEqualTo("456789abcde");
    }

    @Test
    void aReadWithNoRoomTakesNothingAndTheWholePrefixIsStillServed() {
        MemoryTransport lower = MemoryTransport.pair(1024, 1024, Runnable::run, true);
        PrefixedTransport t = new PrefixedTransport(lower, unread("0123"), false, null, false);

        assertThat(read(t, 0)).isEmpty();

        assertThat(read(t, 64)).isEqualTo("0123");
    }

    @Test
    void aReadWaitingForTheEarlierReadGetsThePrefixThenItsBytes() {
        MemoryTransport lower = MemoryTransport.pair(1024, 1024, Runnable::run, true);
        PrefixedTransport t = new PrefixedTransport(lower, unread("01"), false, null, true);
        assertThat(read(t, 2)).isEqualTo("01");
        ByteBuffer dst = ByteBuffer.allocate(64);
        CompletableFuture<Integer> n = new CompletableFuture<>();
        t.read(dst, n, FutureCompletion.INSTANCE);
        assertThat(n).as("waits for the earlier read").isNotDone();

        t.earlierReadCompleted(3, filled("xyz"), null);

        assertThat(new String(dst.array(), 0, n.join(), US_ASCII)).isEqualTo("xyz");
    }
}
