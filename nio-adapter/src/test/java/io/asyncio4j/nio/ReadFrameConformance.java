package io.asyncio4j.nio;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.FrameDecoder;
import io.asyncio4j.LimitOverrunException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.asyncio4j.nio.LoopFixture.await;
import static io.asyncio4j.nio.LoopFixture.eventually;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code readFrame(decoder, limit)}: what the decoder is offered (all unconsumed bytes, contiguous, read-only, at
 * most the limit), what is consumed (only the bytes it advanced past), waiting, the limit, a throwing decoder, the
 * end of the stream, a stream error after buffered bytes, cancellation and the one-reader rule.
 */
abstract class ReadFrameConformance extends ConformanceFixture {

    /** One byte of length (unsigned), then that many bytes of payload; the message is the payload. */
    private static final FrameDecoder<byte[]> LENGTH_PREFIXED = (b, endOfStream) -> {
        if (!b.hasRemaining()) {
            return null;
        }
        int len = b.get(b.position()) & 0xff;
        if (b.remaining() < 1 + len) {
            return null;
        }
        b.get();
        byte[] payload = new byte[len];
        b.get(payload);
        return payload;
    };

    ReadFrameConformance(TransportKit kit) {
        super(kit);
    }

    @BeforeEach
    void openConnection() throws Exception {
        open();
    }

    /** The frames of {@link #LENGTH_PREFIXED}, back to back. */
    private static byte[] frames(String... payloads) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (String p : payloads) {
            byte[] bytes = p.getBytes(US_ASCII);
            b.write(bytes.length);
            b.writeBytes(bytes);
        }
        return b.toByteArray();
    }

    private static String text(ByteBuffer b) {
        return US_ASCII.decode(b).toString();
    }

    private static Throwable failureOf(CompletableFuture<?> f) {
        try {
            Object value = await(f);
            throw new AssertionError("expected a failure, got " + value);
        } catch (CompletionException e) {
            return e.getCause();
        }
    }

    /** A decoder that records what it is offered, and defers to {@code then}. */
    private static final class Recording<T> implements FrameDecoder<T> {
        final List<String> offered = new CopyOnWriteArrayList<>();
        final List<Boolean> endOfStream = new CopyOnWriteArrayList<>();
        private final FrameDecoder<T> then;

        Recording(FrameDecoder<T> then) {
            this.then = then;
        }

        @Override
        public T decode(ByteBuffer buffered, boolean end) {
            offered.add(text(buffered.duplicate()));
            endOfStream.add(end);
            return then.decode(buffered, end);
        }

        List<Integer> sizes() {
            return offered.stream().map(String::length).toList();
        }
    }

    // ------------------------------------------------------------------------------------------ framing

    @Test
    void severalFramesArrivingInOneSegmentAreReadOneByOne() throws Exception {
        byte[] all = frames("one", "", "three", "x");
        sendAndWait(all, all.length);
        assertThat(text(await(conn.readFrame(LENGTH_PREFIXED, 100)))).isEqualTo("one");
        assertThat(text(await(conn.readFrame(LENGTH_PREFIXED, 100)))).isEqualTo("");
        assertThat(text(await(conn.readFrame(LENGTH_PREFIXED, 100)))).isEqualTo("three");
        assertThat(text(await(conn.readFrame(LENGTH_PREFIXED, 100)))).isEqualTo("x");
        assertThat(buffered()).isZero();
        AsyncFuture<byte[]> next = conn.readFrame(LENGTH_PREFIXED, 100);
        assertThat(next).isNotDone();
        send(frames("later"));
        assertThat(text(await(next))).isEqualTo("later");
    }

    @Test
    void aFrameWrittenByteByByteCompletesOnlyOnceWhole() throws Exception {
        byte[] frame = frames("a frame that comes one byte per segment, so every byte is a chunk of its own");
        AsyncFuture<byte[]> read = conn.readFrame(LENGTH_PREFIXED, 200);
        for (int i = 0; i < frame.length - 1; i++) {
            sendAndWait(new byte[] {frame[i]}, i + 1);
            assertThat(read).as("after %d of %d bytes", i + 1, frame.length).isNotDone();
        }
        send(new byte[] {frame[frame.length - 1]});
        assertThat(await(read)).isEqualTo(Arrays.copyOfRange(frame, 1, frame.length));
        assertThat(buffered()).isZero();
    }

    @Test
    void aFrameGrowingByArrivalsIsReadWholeAndTheBytesAfterItStayInOrder() throws Exception {
        // Two bytes of length: a 1000-byte frame arriving in 100-byte pieces outgrows the first merge buffer.
        FrameDecoder<byte[]> twoByteLength = (b, eos) -> {
            if (b.remaining() < 2) {
                return null;
            }
            int len = b.getShort(b.position()) & 0xffff;
            if (b.remaining() < 2 + len) {
                return null;
            }
            b.position(b.position() + 2);
            byte[] payload = new byte[len];
            b.get(payload);
            return payload;
        };
        byte[] payload = new byte[1000];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 7 + 3);
        }
        ByteBuffer stream = ByteBuffer.allocate(2 + 1000 + 2 + 3 + 2 + 2);
        stream.putShort((short) 1000).put(payload).putShort((short) 3).put("abc".getBytes(US_ASCII))
                .putShort((short) 5).put("de".getBytes(US_ASCII));  // the last frame is partial
        byte[] bytes = stream.array();
        int sentBeforeTail = 2 + 1000 - 50;
        AsyncFuture<byte[]> read = conn.readFrame(twoByteLength, 4096);
        for (int at = 0; at < sentBeforeTail; at += 100) {
            int len = Math.min(100, sentBeforeTail - at);
            sendAndWait(Arrays.copyOfRange(bytes, at, at + len), at + len);
            assertThat(read).as("after %d bytes", at + len).isNotDone();
        }
        // The rest of the frame, the next frame, and the start of a third, in one piece.
        int partialEnd = stream.capacity() - 1;
        send(Arrays.copyOfRange(bytes, sentBeforeTail, partialEnd));
        assertThat(await(read)).isEqualTo(payload);
        assertThat(text(await(conn.readFrame(twoByteLength, 4096)))).isEqualTo("abc");
        AsyncFuture<byte[]> third = conn.readFrame(twoByteLength, 4096);
        assertThat(third).isNotDone();
        send(Arrays.copyOfRange(bytes, partialEnd, bytes.length));
        send("fgh");
        assertThat(text(await(third))).isEqualTo("defgh");
        assertThat(buffered()).isZero();
    }

    @Test
    void onlyTheBytesTheDecoderAdvancedPastAreConsumed() throws Exception {
        // A head decoder: up to the blank line; it keeps where its scan got to between calls.
        FrameDecoder<String> head = new FrameDecoder<>() {
            private int scanned;

            @Override
            public String decode(ByteBuffer b, boolean endOfStream) {
                int start = b.position();
                for (int i = Math.max(scanned, 3); i < b.remaining(); i++) {
                    if (b.get(start + i - 3) == '\r' && b.get(start + i - 2) == '\n'
                            && b.get(start + i - 1) == '\r' && b.get(start + i) == '\n') {
                        byte[] h = new byte[i + 1];
                        b.get(h);
                        return text(h);
                    }
                }
                scanned = b.remaining();
                return null;
            }
        };
        AsyncFuture<String> read = conn.readFrame(head, 1000);
        sendAndWait("GET / HTTP/1.1\r\nHost: x\r\n\r".getBytes(US_ASCII), 26);
        assertThat(read).isNotDone();
        send("\nbody1234line\nmore");
        assertThat(await(read)).isEqualTo("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(text(await(conn.readExactly(8)))).isEqualTo("body1234");
        assertThat(await(conn.readLine(100, US_ASCII))).isEqualTo("line");
        // A decoder that looks at everything but takes only two bytes.
        FrameDecoder<String> two = (b, eos) -> {
            if (b.remaining() < 4) {
                return null;
            }
            byte[] m = new byte[2];
            b.get(m);
            return text(m);
        };
        assertThat(await(conn.readFrame(two, 100))).isEqualTo("mo");
        assertThat(text(await(conn.read(100)))).isEqualTo("re");
    }

    @Test
    void nullWaitsAndTheDecoderIsOfferedEveryUnconsumedByteEachTimeUpToTheLimit() throws Exception {
        sendAndWait("ab".getBytes(US_ASCII), 2);
        Recording<String> decoder = new Recording<>((b, eos) -> {
            if (b.remaining() < 10) {
                return null;
            }
            byte[] m = new byte[10];
            b.get(m);
            return text(m);
        });
        AsyncFuture<String> read = conn.readFrame(decoder, 10);
        // The read starts on the connection's executor, which may be another thread's.
        eventually("the read started", () -> !decoder.offered.isEmpty());
        assertThat(decoder.offered).as("offered the buffered bytes when the read starts").containsExactly("ab");
        sendAndWait("cde".getBytes(US_ASCII), 5);
        assertThat(read).isNotDone();
        send("fghijkl");
        assertThat(await(read)).isEqualTo("abcdefghij");
        List<Integer> sizes = decoder.sizes();
        assertThat(sizes).contains(2, 5).last().isEqualTo(10);
        assertThat(sizes).isSorted().doesNotHaveDuplicates().allMatch(n -> n <= 10);
        for (String o : decoder.offered) {
            assertThat("abcdefghijkl").as("each offer starts at the first unconsumed byte").startsWith(o);
        }
        assertThat(decoder.endOfStream).containsOnly(false);
        assertThat(text(await(conn.readExactly(2)))).isEqualTo("kl");
    }

    @Test
    void theDecoderGetsAReadOnlyView() throws Exception {
        sendAndWait(frames("abc"), 4);
        AtomicBoolean readOnly = new AtomicBoolean();
        AsyncFuture<byte[]> read = conn.readFrame((b, eos) -> {
            readOnly.set(b.isReadOnly());
            b.get();
            b.put((byte) 'X');
            return new byte[0];
        }, 100);
        assertThat(failureOf(read)).isInstanceOf(ReadOnlyBufferException.class);
        assertThat(readOnly).isTrue();
        assertThat(text(await(conn.readFrame(LENGTH_PREFIXED, 100)))).as("nothing consumed, nothing changed")
                .isEqualTo("abc");
    }

    // ------------------------------------------------------------------------------------------ limit, failures

    @Test
    void limitBytesBufferedWithoutAFrameFailsAndKeepsTheBytes() throws Exception {
        byte[] start = {(byte) 200, 'a', 'b', 'c', 'd'};
        sendAndWait(start, 5);
        Recording<byte[]> decoder = new Recording<>(LENGTH_PREFIXED);
        assertThat(failureOf(conn.readFrame(decoder, 5))).isInstanceOfSatisfying(LimitOverrunException.class, e -> {
            assertThat(e.consumed()).isEqualTo(5);
            assertThat(e.limit()).isEqualTo(5);
        });
        assertThat(decoder.sizes()).containsExactly(5);
        assertThat(await(conn.readExactly(5))).isEqualTo(start);
    }

    @Test
    void theLimitIsReachedWhileWaitingThenTheBytesStay() throws Exception {
        Recording<byte[]> decoder = new Recording<>(LENGTH_PREFIXED);
        AsyncFuture<byte[]> read = conn.readFrame(decoder, 4);
        sendAndWait(new byte[] {9, 'a', 'b'}, 3);
        assertThat(read).isNotDone();
        send("cdefg");
        assertThat(failureOf(read)).isInstanceOfSatisfying(LimitOverrunException.class,
                e -> assertThat(e.limit()).isEqualTo(4));
        assertThat(decoder.sizes()).allMatch(n -> n <= 4).last().isEqualTo(4);
        eventually("all bytes buffered", () -> buffered() == 8);
        assertThat(text(await(conn.readExactly(8)))).isEqualTo("\tabcdefg");
    }

    @Test
    void aFrameOfExactlyTheLimitIsRead() throws Exception {
        sendAndWait(frames("abcd", "e"), 7);
        assertThat(text(await(conn.readFrame(LENGTH_PREFIXED, 5)))).isEqualTo("abcd");
        assertThat(text(await(conn.readFrame(LENGTH_PREFIXED, 5)))).isEqualTo("e");
    }

    @Test
    void aThrowingDecoderFailsTheReadAndConsumesNothing() throws Exception {
        sendAndWait(frames("abc"), 4);
        IllegalArgumentException bad = new IllegalArgumentException("bad frame");
        AsyncFuture<byte[]> read = conn.readFrame((b, eos) -> {
            b.get();                                  // advanced, then rejected: still nothing consumed
            throw bad;
        }, 100);
        assertThat(failureOf(read)).isSameAs(bad);
        assertThat(buffered()).isEqualTo(4);
        assertThat(text(await(conn.readFrame(LENGTH_PREFIXED, 100)))).isEqualTo("abc");
    }

    @Test
    void aDecoderThrowingWhenMoreBytesArriveFailsTheWaitingRead() throws Exception {
        AsyncFuture<byte[]> read = conn.readFrame((b, eos) -> {
            if (b.remaining() > 2) {
                throw new IllegalArgumentException("too many: " + b.remaining());
            }
            return null;
        }, 100);
        sendAndWait("ab".getBytes(US_ASCII), 2);
        assertThat(read).isNotDone();
        send("cd");
        assertThat(failureOf(read)).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("too many");
        eventually("all bytes buffered", () -> buffered() == 4);
        assertThat(text(await(conn.readExactly(4)))).isEqualTo("abcd");
    }

    @Test
    void illegalArgumentsAreRejected() {
        assertThatThrownBy(() -> conn.readFrame(LENGTH_PREFIXED, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> conn.readFrame(LENGTH_PREFIXED, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> conn.readFrame(null, 10)).isInstanceOf(NullPointerException.class);
        assertThat(conn.readFrame(LENGTH_PREFIXED, 10)).as("the rejected calls left no reader behind").isNotDone();
    }

    @Test
    void aReadFrameWhileAnotherReadIsPendingIsRejected() throws Exception {
        AsyncFuture<ByteBuffer> first = conn.read(10);
        AsyncFuture<byte[]> second = conn.readFrame(LENGTH_PREFIXED, 10);
        assertThat(failureOf(second)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("one read operation at a time");
        send("ok");
        assertThat(text(await(first))).isEqualTo("ok");

        AsyncFuture<byte[]> frame = conn.readFrame(LENGTH_PREFIXED, 10);
        assertThat(failureOf(conn.readLine(10))).isInstanceOf(IllegalStateException.class);
        assertThat(failureOf(conn.readFrame(LENGTH_PREFIXED, 10))).isInstanceOf(IllegalStateException.class);
        send(frames("yes"));
        assertThat(text(await(frame))).isEqualTo("yes");
    }

    // ------------------------------------------------------------------------------------------ end of stream

    @Test
    void atTheEndOfTheStreamTheDecoderIsToldAndNullCompletesTheReadWithNull() throws Exception {
        send(frames("last"));
        peer.shutdownOutput();
        Recording<byte[]> first = new Recording<>(LENGTH_PREFIXED);
        assertThat(text(await(conn.readFrame(first, 100)))).isEqualTo("last");
        Recording<byte[]> second = new Recording<>(LENGTH_PREFIXED);
        assertThat(await(conn.readFrame(second, 100))).isNull();
        assertThat(second.offered).last().isEqualTo("");
        assertThat(second.endOfStream).last().isEqualTo(true);
        assertThat(await(conn.readFrame(LENGTH_PREFIXED, 100))).as("again").isNull();
    }

    @Test
    void theEndOfTheStreamArrivingWhileTheReadWaitsCompletesItWithNullAndKeepsAPartialFrame() throws Exception {
        Recording<byte[]> decoder = new Recording<>(LENGTH_PREFIXED);
        AsyncFuture<byte[]> read = conn.readFrame(decoder, 100);
        sendAndWait(new byte[] {5, 'a', 'b'}, 3);
        assertThat(read).isNotDone();
        peer.shutdownOutput();
        assertThat(await(read)).isNull();
        assertThat(decoder.offered).last().isEqualTo("\u0005ab");
        assertThat(decoder.endOfStream).last().isEqualTo(true);
        assertThat(decoder.endOfStream).filteredOn(eos -> eos).hasSize(1);
        assertThat(text(await(conn.read(100)))).as("nothing advanced past, nothing consumed").isEqualTo("\u0005ab");
        assertThat(await(conn.read(100)).hasRemaining()).isFalse();
    }

    @Test
    void aMessageReturnedAtTheEndOfTheStreamIsDelivered() throws Exception {
        FrameDecoder<String> rest = (b, eos) -> {
            if (!eos || !b.hasRemaining()) {
                return null;
            }
            byte[] all = new byte[b.remaining()];
            b.get(all);
            return text(all);
        };
        AsyncFuture<String> read = conn.readFrame(rest, 100);
        sendAndWait("tail".getBytes(US_ASCII), 4);
        assertThat(read).isNotDone();
        peer.shutdownOutput();
        assertThat(await(read)).isEqualTo("tail");
        assertThat(await(conn.readFrame(rest, 100))).isNull();
    }

    @Test
    void bytesAdvancedPastBeforeReturningNullAtTheEndOfTheStreamAreConsumed() throws Exception {
        send("xyz");
        peer.shutdownOutput();
        AsyncFuture<String> read = conn.readFrame((b, eos) -> {
            if (eos) {
                b.position(b.position() + 2);
            }
            return null;
        }, 100);
        assertThat(await(read)).isNull();
        assertThat(text(await(conn.read(100)))).isEqualTo("z");
        assertThat(await(conn.read(100)).hasRemaining()).isFalse();
    }

    @Test
    void moreThanTheLimitBufferedAtTheEndOfTheStreamIsNotOfferedAsTheEnd() throws Exception {
        send("0123456789");
        peer.shutdownOutput();
        // First wait for the end of the stream, without consuming anything.
        FrameDecoder<Boolean> endSeen = (b, eos) -> eos ? Boolean.TRUE : null;
        assertThat(await(conn.readFrame(endSeen, 100))).isTrue();
        Recording<byte[]> decoder = new Recording<>((b, eos) -> null);
        assertThat(failureOf(conn.readFrame(decoder, 4))).isInstanceOf(LimitOverrunException.class);
        assertThat(decoder.offered).containsExactly("0123");
        assertThat(decoder.endOfStream).containsExactly(false);
        assertThat(text(await(conn.readExactly(10)))).isEqualTo("0123456789");
    }

    @Test
    void exactlyTheLimitLeftAtTheEndOfTheStreamIsAnOverrunAsItIsBeforeTheEnd() throws Exception {
        // Before the end is known, null with limit bytes buffered is an overrun; once it is known, still.
        send("0123");
        peer.shutdownOutput();
        FrameDecoder<Boolean> endSeen = (b, eos) -> eos ? Boolean.TRUE : null;
        assertThat(await(conn.readFrame(endSeen, 100))).isTrue();
        Recording<byte[]> decoder = new Recording<>((b, eos) -> null);
        assertThat(failureOf(conn.readFrame(decoder, 4))).isInstanceOfSatisfying(LimitOverrunException.class,
                e -> assertThat(e.consumed()).isEqualTo(4));
        assertThat(decoder.offered).containsExactly("0123");
        assertThat(decoder.endOfStream).containsExactly(false);
        Recording<byte[]> roomier = new Recording<>((b, eos) -> null);
        assertThat(await(conn.readFrame(roomier, 5))).as("with room for one byte more, the end").isNull();
        assertThat(roomier.endOfStream).containsExactly(true);
        assertThat(text(await(conn.readExactly(4)))).isEqualTo("0123");
    }

    // ------------------------------------------------------------------------------------------ stream errors

    @Test
    void aResetAfterBufferedBytesFailsTheReadIfTheDecoderStillNeedsMore() throws Exception {
        Recording<byte[]> decoder = new Recording<>(LENGTH_PREFIXED);
        AsyncFuture<byte[]> read = conn.readFrame(decoder, 100);
        sendAndWait(new byte[] {9, 'a', 'b'}, 3);
        int offersBefore = decoder.offered.size();
        peer.reset();
        assertThat(failureOf(read)).isInstanceOf(IOException.class);
        assertThat(decoder.offered).as("offered the bytes again when the error came").hasSizeGreaterThan(offersBefore)
                .last().isEqualTo("\tab");
        assertThat(decoder.endOfStream).containsOnly(false);
    }

    @Test
    void aResetAfterBufferedBytesStillDeliversTheMessageTheDecoderMakesOfThem() throws Exception {
        // Needs the bytes and a later call: the first call (on arrival) says no, the one for the error says yes.
        AtomicBoolean accept = new AtomicBoolean();
        Recording<String> decoder = new Recording<>((b, eos) -> {
            if (!accept.get()) {
                return null;
            }
            byte[] all = new byte[b.remaining()];
            b.get(all);
            return text(all);
        });
        AsyncFuture<String> read = conn.readFrame(decoder, 100);
        sendAndWait("abc".getBytes(US_ASCII), 3);             // the decoder has declined them (on the executor)
        accept.set(true);
        peer.reset();
        assertThat(await(read)).isEqualTo("abc");
        assertThat(decoder.endOfStream).containsOnly(false);
        assertThat(failureOf(conn.readFrame(decoder, 100))).as("then the error").isInstanceOf(IOException.class);
    }

    // ------------------------------------------------------------------------------------------ cancellation

    @Test
    void aCancelledReadFrameLosesNoByte() throws Exception {
        AsyncFuture<byte[]> pending = conn.readFrame(LENGTH_PREFIXED, 100);
        assertThat(pending.cancel(false)).isTrue();
        send(frames("data"));
        assertThat(text(await(conn.readFrame(LENGTH_PREFIXED, 100)))).isEqualTo("data");
    }

    @Test
    void cancellingAReadFrameWithAPartialFrameKeepsThoseBytes() throws Exception {
        AsyncFuture<byte[]> pending = conn.readFrame(LENGTH_PREFIXED, 100);
        sendAndWait(new byte[] {6, 'a', 'b'}, 3);
        assertThat(pending.cancel(false)).isTrue();
        send("cdef");
        assertThat(text(await(conn.readFrame(LENGTH_PREFIXED, 100)))).isEqualTo("abcdef");
    }

    @Test
    void aCancelAfterTheClaimBeforeTheDeliveryPutsTheFrameBack() throws Exception {
        // Split over two chunks, so the claim merges them and takes part of the merge buffer.
        sendAndWait(new byte[] {3, 'a'}, 2);
        sendAndWait(new byte[] {'b', 'c', 2, 'd', 'e'}, 7);
        CompletableFuture<Boolean> cancelled = new CompletableFuture<>();
        conn.executor().execute(() -> {
            // On the connection's executor: the claim happens now, the delivery is queued behind this task.
            AsyncFuture<byte[]> read = conn.readFrame(LENGTH_PREFIXED, 100);
            boolean claimed = buffered() == 3;
            cancelled.complete(claimed && read.cancel(false));
        });
        assertThat(await(cancelled)).as("claimed, then cancelled before its delivery").isTrue();
        assertThat(buffered()).isEqualTo(7);
        assertThat(text(await(conn.readFrame(LENGTH_PREFIXED, 100)))).isEqualTo("abc");
        assertThat(text(await(conn.readFrame(LENGTH_PREFIXED, 100)))).isEqualTo("de");
    }

    @Test
    void frameReadsCancelledWhileDataArrivesLoseNoByte() throws Exception {
        int total = 200_000;
        Thread writer = startCountingWriter(total);
        int received = 0;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (true) {
            int size = 1 + random.nextInt(3000);
            // Fixed-size frames; at the end of the stream, whatever is left.
            AsyncFuture<byte[]> f = conn.readFrame((b, eos) -> {
                if (b.remaining() < size && !(eos && b.hasRemaining())) {
                    return null;
                }
                byte[] m = new byte[Math.min(size, b.remaining())];
                b.get(m);
                return m;
            }, size);
            if (random.nextInt(3) == 0) {
                f.cancel(false);
            }
            byte[] frame;
            try {
                frame = await(f);
            } catch (CancellationException cancelled) {
                continue;
            }
            if (frame == null) {
                break;
            }
            assertThat(frame.length).isEqualTo(Math.min(size, total - received));
            for (byte b : frame) {
                assertThat(b).as("byte %d", received).isEqualTo((byte) received);
                received++;
            }
        }
        writer.join();
        assertThat(received).isEqualTo(total);
    }
}
