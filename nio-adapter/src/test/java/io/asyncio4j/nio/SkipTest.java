package io.asyncio4j.nio;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.ConnectionOptions;
import io.asyncio4j.IncompleteReadException;
import io.asyncio4j.LimitOverrunException;
import io.asyncio4j.combinators.AsyncTimer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

import static io.asyncio4j.nio.LoopFixture.await;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code skip(n)} and {@code skipLine()}: what they drop, waiting, the end of the stream, and giving them up. */
class SkipTest extends AcceptedConnectionFixture {

    SkipTest() {
        super(false);
    }

    private static String text(byte[] b) {
        return new String(b, US_ASCII);
    }

    @Test
    void skipDropsExactlyNBytes() throws Exception {
        send("0123456789");
        await(conn.skip(4));
        assertThat(text(await(conn.readExactly(6)))).isEqualTo("456789");
    }

    @Test
    void skipWaitsForAllItsBytes() throws Exception {
        AsyncFuture<Void> skipped = conn.skip(6);
        sendAndWait("abc", 3);
        assertThat(skipped).isNotDone();
        send("defgh");
        await(skipped);
        assertThat(text(await(conn.readExactly(2)))).isEqualTo("gh");
    }

    @Test
    void skipZeroDropsNothing() throws Exception {
        send("ab");
        await(conn.skip(0));
        assertThat(text(await(conn.readExactly(2)))).isEqualTo("ab");
    }

    @Test
    void skipPastTheEndOfTheStreamFailsWithTheBytesThereWere() throws Exception {
        send("abc");
        peer.shutdownOutput();
        assertThatThrownBy(() -> await(conn.skip(10))).cause()
                .isInstanceOfSatisfying(IncompleteReadException.class, e -> {
                    assertThat(text(e.partial())).isEqualTo("abc");
                    assertThat(e.expected()).isEqualTo(10);
                });
    }

    @Test
    void skipLongerThanTheReadBufferDropsEveryByteOfIt() throws Exception {
        int total = 300_000;
        Thread writer = startCountingWriter(total);
        await(conn.skip(total - 1000));
        byte[] rest = await(conn.readToEnd(1000));
        writer.join(LoopFixture.WAIT.toMillis());
        assertThat(rest).hasSize(1000);
        assertThat(rest[0]).isEqualTo((byte) (total - 1000));
    }

    @Test
    void aSkipGivenUpWhileItWaitsLeavesEveryByte() throws Exception {
        AsyncFuture<Void> skipped = conn.skip(10);
        sendAndWait("abcdef", 6);
        assertThat(skipped.cancel(false)).isTrue();
        assertThat(text(await(conn.readExactly(6)))).isEqualTo("abcdef");
    }

    @Test
    void aSkipGivenUpAfterItsBytesWereTakenPutsThemBack() throws Exception {
        sendAndWait("abcdef", 6);
        CompletableFuture<Boolean> cancelled = new CompletableFuture<>();
        conn.executor().execute(() -> {
            AsyncFuture<Void> skipped = conn.skip(4);  // claimed here; its delivery is queued behind this task
            cancelled.complete(skipped.cancel(false));
        });
        assertThat(await(cancelled)).isTrue();
        assertThat(text(await(conn.readExactly(6)))).isEqualTo("abcdef");
    }

    @Test
    void skipLineDropsThroughTheNextNewline() throws Exception {
        send("junk\nkeep\n");
        assertThat(await(conn.skipLine())).isEqualTo(5);
        assertThat(text(await(conn.readLine(64)))).isEqualTo("keep");
    }

    @Test
    void skipLineDropsTheRestOfALineThatOverranReadLine() throws Exception {
        byte[] longLine = new byte[1_000_000];
        Arrays.fill(longLine, (byte) 'x');
        Thread writer = new Thread(() -> {
            try {
                send(longLine);
                send("\nnext\n");
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        writer.start();
        assertThatThrownBy(() -> await(conn.readLine(1024))).cause().isInstanceOf(LimitOverrunException.class);
        assertThat(await(conn.skipLine())).isEqualTo(longLine.length + 1);
        assertThat(text(await(conn.readLine(64)))).isEqualTo("next");
        writer.join(LoopFixture.WAIT.toMillis());
    }

    @Test
    void skipLineAtTheEndOfTheStreamDropsTheUnterminatedRest() throws Exception {
        send("no newline");
        peer.shutdownOutput();
        assertThat(await(conn.skipLine())).isEqualTo(10);
        assertThat(await(conn.readLine(64))).isNull();
        assertThat(await(conn.skipLine())).isZero();
    }

    @Test
    void aSkipLineGivenUpBeforeItsNewlineLeavesDroppedWhatArrivedBefore() {
        MemoryTransport transport = new MemoryTransport();
        StreamConnection c = new StreamConnection(transport, ConnectionOptions.defaults(), AsyncTimer.shared());
        c.start();
        AsyncFuture<Long> skipped = c.skipLine();
        byte[] first = "dropped ".getBytes(US_ASCII);
        transport.deliver(first, 0, first.length);               // the skip drops these as they arrive
        assertThat(skipped.cancel(false)).isTrue();
        byte[] second = "kept\n".getBytes(US_ASCII);
        transport.deliver(second, 0, second.length);
        assertThat(text(await(c.readLine(64)))).isEqualTo("kept");
    }

    @Test
    void aSkipLineGivenUpAfterFindingItsNewlinePutsTheLineBack() throws Exception {
        sendAndWait("abc\ndef", 7);
        CompletableFuture<Boolean> cancelled = new CompletableFuture<>();
        conn.executor().execute(() -> cancelled.complete(conn.skipLine().cancel(false)));
        assertThat(await(cancelled)).isTrue();
        assertThat(text(await(conn.readLine(64)))).isEqualTo("abc");
    }
}
