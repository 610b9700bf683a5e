package io.asyncio4j.nio;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.IncompleteReadException;
import io.asyncio4j.LimitOverrunException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;

import static io.asyncio4j.nio.LoopFixture.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code skip(n)} and {@code skipLine()}, the reads that drop bytes: what they drop, waiting, the end of the
 * stream, lines longer than any limit, and giving them up (a skip puts back what it held, a line skip keeps dropped
 * what it dropped before its newline came).
 */
abstract class SkipConformance extends ConformanceFixture {

    SkipConformance(TransportKit kit) {
        super(kit);
    }

    @BeforeEach
    void openConnection() throws Exception {
        open();
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
    void skipOfANegativeCountIsRefused() {
        assertThatThrownBy(() -> conn.skip(-1)).isInstanceOf(IllegalArgumentException.class);
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
        AtomicReference<Boolean> cancelled = new AtomicReference<>();
        inCallback(conn, () -> {
            AsyncFuture<Void> skipped = conn.skip(4); // claimed here; its delivery is queued behind this task
            cancelled.set(skipped.cancel(false));
        });
        assertThat(cancelled).hasValue(true);
        assertThat(text(await(conn.readExactly(6)))).isEqualTo("abcdef");
    }

    @Test
    void skipLineDropsThroughTheNextNewline() throws Exception {
        send("junk\nkeep\n");
        assertThat(await(conn.skipLine())).isEqualTo(5);
        assertThat(text(await(conn.readLine(64)))).isEqualTo("keep");
    }

    @Test
    void skipLineWaitsForItsNewline() throws Exception {
        AsyncFuture<Long> skipped = conn.skipLine();
        send("no newline yet");
        assertThat(skipped).isNotDone();
        send(", now\nnext\n");
        assertThat(await(skipped)).isEqualTo(20);
        assertThat(text(await(conn.readLine(64)))).isEqualTo("next");
    }

    @Test
    void skipLineDropsTheRestOfALineThatOverranReadLine() throws Exception {
        byte[] longLine = new byte[1_000_000];
        Arrays.fill(longLine, (byte) 'x');
        Peer to = peer;
        Thread writer = new Thread(() -> {
            try {
                to.write(longLine);
                to.write("\nnext\n");
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
    void aSkipLineGivenUpBeforeItsNewlineLeavesDroppedWhatItHadDropped() throws Exception {
        sendAndWait("dropped ", 8);
        AtomicReference<Boolean> cancelled = new AtomicReference<>();
        inCallback(conn, () -> {
            AsyncFuture<Long> skipped = conn.skipLine(); // drops the 8 bytes here, then waits for its newline
            cancelled.set(skipped.cancel(false));
        });
        assertThat(cancelled).hasValue(true);
        assertThat(buffered()).isZero();
        send("kept\n");
        assertThat(text(await(conn.readLine(64)))).isEqualTo("kept");
    }

    @Test
    void aSkipLineGivenUpAfterFindingItsNewlinePutsTheLineBack() throws Exception {
        sendAndWait("abc\ndef", 7);
        AtomicReference<Boolean> cancelled = new AtomicReference<>();
        inCallback(conn, () -> cancelled.set(conn.skipLine().cancel(false)));
        assertThat(cancelled).hasValue(true);
        assertThat(text(await(conn.readLine(64)))).isEqualTo("abc");
    }
}
