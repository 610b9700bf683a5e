package io.asyncio4j.nio;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.ConnectionOptions;
import io.asyncio4j.FrameDecoder;
import io.asyncio4j.IncompleteReadException;
import io.asyncio4j.LimitOverrunException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;

import static io.asyncio4j.nio.LoopFixture.await;
import static io.asyncio4j.nio.LoopFixture.eventually;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The StreamReader half: each read form, its limits, EOF, cancellation and the one-reader rule. */
abstract class ReadingConformance extends ConformanceFixture {

    ReadingConformance(TransportKit kit) {
        super(kit);
    }

    @BeforeEach
    void openConnection() throws Exception {
        open();
    }

    private static String text(ByteBuffer b) {
        return US_ASCII.decode(b).toString();
    }

    @Test
    void readReturnsWhatArrivedUpToMax() throws Exception {
        send("hello");
        ByteBuffer first = await(conn.read(3));
        assertThat(text(first)).isEqualTo("hel");
        assertThat(text(await(conn.read(100)))).isEqualTo("lo");
    }

    @Test
    void readWaitsForDataThenReturnsIt() throws Exception {
        AsyncFuture<ByteBuffer> pending = conn.read(100);
        assertThat(pending).isNotDone();
        send("late");
        assertThat(text(await(pending))).isEqualTo("late");
    }

    @Test
    void readAtEndOfStreamReturnsEmptyBufferAfterBufferedBytes() throws Exception {
        send("last");
        peer.shutdownOutput();
        assertThat(text(await(conn.read(100)))).isEqualTo("last");
        assertThat(await(conn.read(100)).hasRemaining()).isFalse();
        assertThat(await(conn.read(100)).hasRemaining()).isFalse();
    }

    @Test
    void readExactlyWaitsForAllBytes() throws Exception {
        AsyncFuture<byte[]> f = conn.readExactly(6);
        send("abc");
        send("defgh");
        assertThat(new String(await(f), US_ASCII)).isEqualTo("abcdef");
        assertThat(text(await(conn.read(10)))).isEqualTo("gh");
    }

    @Test
    void readExactlyAtEndOfStreamFailsWithThePartialBytes() throws Exception {
        send("abc");
        peer.shutdownOutput();
        assertThatThrownBy(() -> await(conn.readExactly(10)))
                .isInstanceOf(CompletionException.class)
                .cause().isInstanceOfSatisfying(IncompleteReadException.class, e -> {
                    assertThat(new String(e.partial(), US_ASCII)).isEqualTo("abc");
                    assertThat(e.expected()).isEqualTo(10);
                });
    }

    @Test
    void readExactlyZeroCompletesAtOnce() {
        assertThat(await(conn.readExactly(0))).isEmpty();
    }

    @Test
    void readUntilFindsDelimiterSplitAcrossSegments() throws Exception {
        AsyncFuture<byte[]> f = conn.readUntil("\r\n\r\n".getBytes(US_ASCII), 100);
        send("GET / HTTP/1.1\r\nHost: x\r");
        eventually("first segment buffered", () -> buffered() > 0);
        send("\n\r");
        eventually("second segment buffered", () -> buffered() == 26);
        assertThat(f).isNotDone();
        send("\nbody");
        assertThat(new String(await(f), US_ASCII)).isEqualTo("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(text(await(conn.read(10)))).isEqualTo("body");
    }

    @Test
    void readUntilBeyondLimitFailsAndKeepsTheBytes() throws Exception {
        send("0123456789;rest");
        assertThatThrownBy(() -> await(conn.readUntil(new byte[] {';'}, 5)))
                .cause().isInstanceOfSatisfying(LimitOverrunException.class, e -> {
                    assertThat(e.consumed()).isEqualTo(11);
                    assertThat(e.limit()).isEqualTo(5);
                });
        assertThat(new String(await(conn.readExactly(11)), US_ASCII)).isEqualTo("0123456789;");
        assertThat(text(await(conn.read(10)))).isEqualTo("rest");
    }

    @Test
    void readUntilWithoutDelimiterWithinLimitFails() throws Exception {
        send("0123456789");
        assertThatThrownBy(() -> await(conn.readUntil(new byte[] {';'}, 8)))
                .cause().isInstanceOf(LimitOverrunException.class);
        assertThat(buffered()).isEqualTo(10);
    }

    @Test
    void readUntilAtEndOfStreamFailsWithPartial() throws Exception {
        send("no delimiter");
        peer.shutdownOutput();
        assertThatThrownBy(() -> await(conn.readUntil(new byte[] {';'}, 100)))
                .cause().isInstanceOfSatisfying(IncompleteReadException.class,
                        e -> assertThat(new String(e.partial(), US_ASCII)).isEqualTo("no delimiter"));
    }

    @Test
    void readLineStripsLfAndCrLfAndReturnsLastUnterminatedLineThenNull() throws Exception {
        send("one\ntwo\r\n\nlast");
        peer.shutdownOutput();
        assertThat(await(conn.readLine(100, US_ASCII))).isEqualTo("one");
        assertThat(await(conn.readLine(100, US_ASCII))).isEqualTo("two");
        assertThat(await(conn.readLine(100, US_ASCII))).isEqualTo("");
        assertThat(await(conn.readLine(100, US_ASCII))).isEqualTo("last");
        assertThat(await(conn.readLine(100, US_ASCII))).isNull();
        assertThat(await(conn.readLine(100))).isNull();
    }

    @Test
    void readLineKeepsALoneCrInsideTheLine() throws Exception {
        send("a\rb\n");
        assertThat(await(conn.readLine(100, US_ASCII))).isEqualTo("a\rb");
    }

    @Test
    void readLineKeepsACrEndingTheLastUnterminatedLine() throws Exception {
        send("one\r\nlast\r");                   // no LF: the CR is data, not half a terminator
        peer.shutdownOutput();
        assertThat(await(conn.readLine(100, US_ASCII))).isEqualTo("one");
        assertThat(await(conn.readLine(100, US_ASCII))).isEqualTo("last\r");
        assertThat(await(conn.readLine(100))).isNull();
    }

    @Test
    void readLineOverTheLimitFailsAndLosesNothing() throws Exception {
        send("a line that is far too long\nshort\n");
        assertThatThrownBy(() -> await(conn.readLine(10)))
                .cause().isInstanceOfSatisfying(LimitOverrunException.class,
                        e -> assertThat(e.consumed()).isEqualTo(28));
        assertThat(new String(await(conn.readExactly(28)), US_ASCII)).isEqualTo("a line that is far too long\n");
        assertThat(await(conn.readLine(10, US_ASCII))).isEqualTo("short");
    }

    @Test
    void readLineExactlyAtTheLimitSucceeds() throws Exception {
        send("12345678\r\n");
        assertThat(await(conn.readLine(10, US_ASCII))).isEqualTo("12345678");
    }

    @Test
    void readLineDecodesWithTheGivenCharset() throws Exception {
        peer.write("ünïcödé\n".getBytes(StandardCharsets.UTF_8));
        assertThat(await(conn.readLine(100, StandardCharsets.UTF_8))).isEqualTo("ünïcödé");
    }

    @Test
    void theEndOfTheStreamComesAfterTheBytesThatArrivedWhileNobodyRead() throws Exception {
        open(ConnectionOptions.defaults().withReadHighWatermark(1)); // stops reading at the first byte buffered
        send("the tail");
        peer.shutdownOutput();
        assertThat(new String(await(conn.readToEnd(64)), US_ASCII)).isEqualTo("the tail");
        assertThat(await(conn.readLine(64))).isNull();
    }

    @Test
    void everyReadFormInTurnTakesItsBytesInStreamOrder() throws Exception {
        FrameDecoder<String> lengthPrefixed = (b, end) -> {
            if (!b.hasRemaining() || b.remaining() < 1 + (b.get(b.position()) & 0xff)) {
                return null;
            }
            byte[] body = new byte[b.get() & 0xff];
            b.get(body);
            return new String(body, US_ASCII);
        };
        send("chunk|into|alloc|exact|until;line\r\n\u0003abcskipmelong line to skip\nrest");
        peer.shutdownOutput();

        assertThat(text(await(conn.read(6)))).isEqualTo("chunk|");
        ByteBuffer dst = ByteBuffer.allocate(5);
        assertThat(await(conn.read(dst))).isEqualTo(5);
        assertThat(text(dst.flip())).isEqualTo("into|");
        assertThat(text(await(conn.read(6, ByteBuffer::allocate)))).isEqualTo("alloc|");
        assertThat(new String(await(conn.readExactly(6)), US_ASCII)).isEqualTo("exact|");
        assertThat(new String(await(conn.readUntil(";".getBytes(US_ASCII), 64)), US_ASCII)).isEqualTo("until;");
        assertThat(await(conn.readLine(64, US_ASCII))).isEqualTo("line");
        assertThat(await(conn.readFrame(lengthPrefixed, 64))).isEqualTo("abc");
        await(conn.skip(6));
        assertThat(await(conn.skipLine())).isEqualTo(18);
        assertThat(await(conn.readToEnd(64, US_ASCII))).isEqualTo("rest");
        assertThat(await(conn.read(8)).hasRemaining()).isFalse();
    }

    @Test
    void aReadThatWaitedCompletesOnTheConnectionsExecutor() throws Exception {
        CompletableFuture<Boolean> onExecutor = new CompletableFuture<>();
        AsyncFuture<byte[]> line = conn.readLine(64);
        line.thenRun(() -> onExecutor.complete(((ConnectionExecutor) conn.executor()).inExecutor()));
        send("from afar\n");
        // The callback is awaited first: a get() on the line could run it on this thread.
        assertThat(await(onExecutor)).isTrue();
        assertThat(new String(await(line), US_ASCII)).isEqualTo("from afar");
        send("and more\n");
        assertThat(await(conn.readLine(64, US_ASCII))).isEqualTo("and more");
    }

    @Test
    void readToEndReturnsEverythingAtEndOfStream() throws Exception {
        AsyncFuture<String> f = conn.readToEnd(100, US_ASCII);
        send("all ");
        send("of it");
        assertThat(f).isNotDone();
        peer.shutdownOutput();
        assertThat(await(f)).isEqualTo("all of it");
    }

    @Test
    void readToEndOverTheLimitFails() throws Exception {
        send("0123456789");
        assertThatThrownBy(() -> await(conn.readToEnd(5)))
                .cause().isInstanceOf(LimitOverrunException.class);
    }

    @Test
    void secondConcurrentReadIsRejectedAndFirstStillWorks() throws Exception {
        AsyncFuture<ByteBuffer> first = conn.read(10);
        AsyncFuture<byte[]> second = conn.readLine(10);
        assertThatThrownBy(() -> await(second)).cause().isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("one read operation at a time");
        send("ok");
        assertThat(text(await(first))).isEqualTo("ok");
    }

    @Test
    void cancelledReadThenSecondReadGetsTheData() throws Exception {
        AsyncFuture<byte[]> pending = conn.readExactly(4);
        assertThat(pending.cancel(false)).isTrue();
        send("data");
        assertThat(new String(await(conn.readExactly(4)), US_ASCII)).isEqualTo("data");
    }

    @Test
    void cancellingReadWithPartialDataKeepsThoseBytes() throws Exception {
        AsyncFuture<byte[]> pending = conn.readExactly(10);
        send("12345");
        eventually("bytes buffered", () -> buffered() == 5);
        pending.cancel(false);
        send("67890");
        assertThat(new String(await(conn.readExactly(10)), US_ASCII)).isEqualTo("1234567890");
    }

    @Test
    void cancellingAComposedReadPipelineDetachesTheReader() throws Exception {
        AsyncFuture<String> pipeline = conn.readLine(100, US_ASCII).thenApply(String::toUpperCase);
        pipeline.cancel(false);
        send("still here\n");
        assertThat(await(conn.readLine(100, US_ASCII))).isEqualTo("still here");
    }

    @Test
    void readsCancelledWhileDataArrivesLoseNoByte() throws Exception {
        int total = 200_000;
        Thread writer = startCountingWriter(total);
        int received = 0;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (true) {
            AsyncFuture<ByteBuffer> f = conn.read(1 + random.nextInt(3000));
            if (random.nextInt(3) == 0) {
                f.cancel(false);
            }
            ByteBuffer b;
            try {
                b = await(f);
            } catch (java.util.concurrent.CancellationException cancelled) {
                continue;
            }
            if (!b.hasRemaining()) {
                break;
            }
            while (b.hasRemaining()) {
                assertThat(b.get()).as("byte %d", received).isEqualTo((byte) received);
                received++;
            }
        }
        writer.join();
        assertThat(received).isEqualTo(total);
    }

    @Test
    void readIntoCopiesBufferedBytesAndThenWaitsForMore() throws Exception {
        send("abcdef");
        eventually("buffered", () -> buffered() == 6);
        ByteBuffer dst = ByteBuffer.allocate(4);
        assertThat(await(conn.read(dst))).isEqualTo(4);
        assertThat(new String(dst.array(), US_ASCII)).isEqualTo("abcd");
        dst.clear();
        assertThat(await(conn.read(dst))).isEqualTo(2);
        AsyncFuture<Integer> waiting = conn.read(dst.clear());
        assertThat(waiting).isNotDone();
        send("ghijkl");
        assertThat(await(waiting)).isEqualTo(4);
        assertThat(new String(dst.array(), US_ASCII)).isEqualTo("ghij");
        assertThat(text(await(conn.read(10)))).isEqualTo("kl");
    }

    @Test
    void readIntoAtEndOfStreamReturnsMinusOne() throws Exception {
        send("x");
        peer.shutdownOutput();
        ByteBuffer dst = ByteBuffer.allocate(8);
        assertThat(await(conn.read(dst))).isEqualTo(1);
        assertThat(await(conn.read(dst))).isEqualTo(-1);
    }

    @Test
    void readIntoRefusesABufferWithoutRoom() {
        assertThatThrownBy(() -> conn.read(ByteBuffer.allocate(0))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readsIntoOneBufferCancelledWhileDataArrivesLoseNoByte() throws Exception {
        int total = 200_000;
        Thread writer = startCountingWriter(total);
        int received = 0;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        ByteBuffer dst = ByteBuffer.allocate(3000);
        while (true) {
            dst.clear().limit(1 + random.nextInt(3000));
            AsyncFuture<Integer> f = conn.read(dst);
            if (random.nextInt(3) == 0 && f.cancel(false)) {
                assertThat(dst.position()).as("position restored after cancel").isZero();
                // The buffer is ours again once the cancel returned: the connection neither writes into it nor
                // puts back bytes from it after that, so scribbling on it cannot reach the stream.
                Arrays.fill(dst.array(), (byte) 0x5A);
                continue;
            }
            int n = await(f);
            if (n < 0) {
                break;
            }
            dst.flip();
            assertThat(dst.remaining()).isEqualTo(n);
            while (dst.hasRemaining()) {
                assertThat(dst.get()).as("byte %d", received).isEqualTo((byte) received);
                received++;
            }
        }
        writer.join();
        assertThat(received).isEqualTo(total);
    }

    @Test
    void aBufferHandedOutIsTheCallersToKeep() throws Exception {
        sendAndWait(new byte[] {1, 2, 3, 4, 5, 6}, 6);
        ByteBuffer first = await(conn.read(2));
        first.clear();
        while (first.hasRemaining()) {
            first.put((byte) 9);
        }
        assertThat(first.capacity()).isEqualTo(2);
        ByteBuffer rest = await(conn.read(10));
        byte[] r = new byte[rest.remaining()];
        rest.get(r);
        assertThat(r).containsExactly(3, 4, 5, 6);
    }
}
