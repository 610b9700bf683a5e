package io.asyncio4j.nio;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.asyncio4j.AsyncFuture;
import io.asyncio4j.ConnectionOptions;
import io.asyncio4j.FrameDecoder;
import io.asyncio4j.IncompleteReadException;
import io.asyncio4j.LimitOverrunException;
import io.asyncio4j.combinators.AsyncTimer;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Fuzzes {@code readLine} / {@code readUntil} framing of {@link StreamConnection}: fuzzer-chosen bytes arrive in
 * fuzzer-chosen segments through an in-process {@link MemoryTransport}, are read back record by record with a
 * fuzzer-chosen limit, delimiter and read-ahead watermark, and every outcome is checked against a reference model
 * of the documented semantics; a second target mixes the other reads and cancellations in. Replays
 * {@code FramingFuzzTestInputs/} in every build; {@code JAZZER_FUZZ=1} fuzzes one method at a time.
 *
 * <p>Input layout of the first target: byte 0 the limit (1 + low 6 bits); byte 1 the mode (low 2 bits:
 * 1 {@code readUntil(CRLF)}, 2 {@code readUntil(byte 2)}, else {@code readLine}) and the read high watermark
 * (1 + the other 6 bits); byte 3 the number k (low 3 bits) of segment sizes that follow, each 1 + its low 5 bits,
 * cycled (k = 0: as big as the socket read takes); the rest is the stream.
 */
class FramingFuzzTest {

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LF = {'\n'};

    @FuzzTest(maxDuration = "3m")
    void readLineAndReadUntilFrameTheStream(byte[] input) throws Exception {
        if (input.length < 4) {
            return;
        }
        int mode = input[1] & 3;
        boolean line = mode == 0 || mode == 3;
        byte[] delimiter = line ? LF : mode == 1 ? CRLF : new byte[] {input[2]};
        int limit = Math.max(1 + (input[0] & 0x3f), delimiter.length);
        int watermark = 1 + ((input[1] & 0xff) >>> 2);
        int k = input[3] & 7;
        int[] segments = new int[k];
        for (int i = 0; i < k && 4 + i < input.length; i++) {
            segments[i] = 1 + (input[4 + i] & 0x1f);
        }
        byte[] stream = Arrays.copyOfRange(input, Math.min(input.length, 4 + k), input.length);

        MemoryTransport transport = fedInline();
        StreamConnection conn = new StreamConnection(transport,
                ConnectionOptions.defaults().withReadHighWatermark(watermark), AsyncTimer.shared());
        Feeder feeder = new Feeder(transport, stream, segments);
        conn.start();
        try {
            int pos = 0;
            while (true) {
                byte[] rest = Arrays.copyOfRange(stream, pos, stream.length);
                int at = indexOf(rest, delimiter);
                AsyncFuture<byte[]> read = line ? conn.readLine(limit) : conn.readUntil(delimiter, limit);
                feeder.feedUntilDone(read);
                if (at >= 0 && at + delimiter.length <= limit) {
                    // A whole record within the limit: it comes back, delimiter stripped (and a CR before an LF)
                    // by readLine, kept by readUntil.
                    int end = at + delimiter.length;
                    byte[] expected = line ? Arrays.copyOf(rest, at > 0 && rest[at - 1] == '\r' ? at - 1 : at)
                            : Arrays.copyOf(rest, end);
                    assertThat(outcome(read)).as("record at %d", pos).isEqualTo(expected);
                    pos += end;
                } else if (at >= 0 || rest.length >= limit) {
                    // Over the limit: LimitOverrunException, and the bytes it counts stay buffered.
                    Throwable failure = failure(read);
                    assertThat(failure).as("overrun at %d", pos).isInstanceOf(LimitOverrunException.class);
                    long consumed = ((LimitOverrunException) failure).consumed();
                    assertThat(consumed).isBetween((long) limit, (long) rest.length);
                    int firstInPrefix = indexOf(Arrays.copyOf(rest, (int) consumed), delimiter);
                    assertThat(firstInPrefix < 0 || firstInPrefix + delimiter.length == consumed)
                            .as("the overrun's %d bytes end at the first delimiter or hold none", consumed).isTrue();
                    AsyncFuture<byte[]> drop = conn.readExactly((int) consumed);
                    feeder.feedUntilDone(drop);
                    assertThat(outcome(drop)).as("bytes kept after the overrun")
                            .isEqualTo(Arrays.copyOf(rest, (int) consumed));
                    pos += (int) consumed;
                } else {
                    // The stream ends first: readLine returns the rest as it is (null once nothing is left);
                    // readUntil fails with IncompleteReadException carrying the rest.
                    if (line) {
                        assertThat(outcome(read)).as("last line").isEqualTo(rest.length == 0 ? null : rest);
                        if (rest.length > 0) {
                            AsyncFuture<byte[]> after = conn.readLine(limit);
                            feeder.feedUntilDone(after);
                            assertThat(outcome(after)).as("after the last line").isNull();
                        }
                    } else {
                        Throwable failure = failure(read);
                        assertThat(failure).isInstanceOf(IncompleteReadException.class);
                        assertThat(((IncompleteReadException) failure).partial()).isEqualTo(rest);
                    }
                    return;
                }
            }
        } finally {
            conn.abort();
        }
    }

    /**
     * Mixed reads lose no byte: a script of {@code readExactly}, {@code read(max)}, {@code read(dst)} and
     * {@code readUntil} calls, some cancelled while they wait, runs over the stream; the bytes the reads returned,
     * in order, followed by what {@code readToEnd} finds last, are exactly the stream. Each result also obeys its
     * method's contract (sizes, delimiter position, the end-of-stream forms). Two operations cancel a read whose
     * bytes are already claimed but not yet delivered: from inside another read's callback, which runs on the
     * connection's executor, they start the read, let a segment arrive, and cancel it before the executor can
     * deliver it; the claimed bytes must go back to the stream.
     *
     * <p>Input layout: byte 0 the read high watermark (1 + low 6 bits); byte 1 the number k (low 3 bits) of
     * segment sizes that follow, as above; then a count m (low 4 bits) of two-byte operations: the first byte's low
     * 3 bits pick the method (0 readExactly, 1 read(max), 2 read(dst), 3 readUntil(CRLF), 4 readUntil(LF),
     * 5 readUntil(";"), 6 and 7 a read(dst) or readUntil(LF) cancelled after its claim), bit 3 cancels it after
     * (bits 4-7) segments if it is still waiting; the second byte is the size or limit. The rest is the stream.
     */
    @FuzzTest(maxDuration = "3m")
    void mixedAndCancelledReadsLoseNoBytes(byte[] input) throws Exception {
        if (input.length < 3) {
            return;
        }
        int watermark = 1 + (input[0] & 0x3f);
        int k = input[1] & 7;
        int pos = 2;
        int[] segments = new int[Math.min(k, input.length - pos)];
        for (int i = 0; i < segments.length; i++) {
            segments[i] = 1 + (input[pos++] & 0x1f);
        }
        int m = pos < input.length ? input[pos++] & 0xf : 0;
        int[][] ops = new int[Math.min(m, (input.length - pos) / 2)][];
        for (int i = 0; i < ops.length; i++) {
            ops[i] = new int[] {input[pos] & 0xff, input[pos + 1] & 0xff};
            pos += 2;
        }
        byte[] stream = Arrays.copyOfRange(input, pos, input.length);

        MemoryTransport transport = fedInline();
        StreamConnection conn = new StreamConnection(transport,
                ConnectionOptions.defaults().withReadHighWatermark(watermark), AsyncTimer.shared());
        Feeder feeder = new Feeder(transport, stream, segments);
        conn.start();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        try {
            for (int[] op : ops) {
                int kind = op[0] & 7;
                int arg = op[1];
                if (kind >= 6) {
                    cancelAfterClaim(conn, feeder, kind == 6 ? 2 : 4, arg, got);
                    continue;
                }
                Read read = Read.start(conn, kind, arg);
                if ((op[0] & 8) != 0) {
                    feeder.feedSegments(read.future, op[0] >>> 4);
                    if (read.future.cancel(false)) {
                        assertThat(read.dst.position()).as("a cancelled read(dst) leaves dst as it was").isZero();
                        continue;
                    }
                } else {
                    feeder.feedUntilDone(read.future);
                }
                got.writeBytes(read.consumed(feeder.eofSent()));
            }
            AsyncFuture<byte[]> last = conn.readToEnd(Integer.MAX_VALUE);
            feeder.feedUntilDone(last);
            got.writeBytes(outcome(last));
            assertThat(got.toByteArray()).as("every byte, once, in order").isEqualTo(stream);
        } finally {
            conn.abort();
        }
    }

    /**
     * {@code readFrame} with a length-prefixed decoder (one byte of length, then that many bytes): each frame within
     * the limit comes back exactly; a frame longer than the limit fails with {@link LimitOverrunException} once the
     * limit is buffered, and those bytes stay readable; at the end of the stream the decoder is told so, with every
     * byte left, and its {@code null} completes the read with {@code null}, consuming only what it advanced past
     * (nothing, or in skip mode the partial frame). Every call of the decoder checks that it was offered a read-only
     * view of exactly the unconsumed bytes, up to the limit, and the end of the stream exactly when it has come and
     * the bytes left are fewer than the limit (with the limit left, null is an overrun whether the end came first or
     * not, so the outcome does not depend on the segmenting). Reads may first be cancelled, while they wait or after
     * they claimed their bytes; the next read must find the stream as it was.
     *
     * <p>Input layout: byte 0 the limit (1 + its value); byte 1 the read high watermark (1 + low 6 bits) and, in
     * bit 6, skip mode; byte 2 the cancellation (low 2 bits: 1 each read is first tried and cancelled after one
     * segment, 2 it is tried and cancelled on the connection's executor, so after its claim and before its
     * delivery); byte 3 the number k (low 3 bits) of segment sizes that follow, each 1 + its low 5 bits, cycled
     * (k = 0: as big as the socket read takes); the rest is the stream.
     */
    @FuzzTest(maxDuration = "3m")
    void readFrameDecodesLengthPrefixedFrames(byte[] input) throws Exception {
        if (input.length < 4) {
            return;
        }
        int limit = 1 + (input[0] & 0xff);
        int watermark = 1 + (input[1] & 0x3f);
        boolean skipPartial = (input[1] & 0x40) != 0;
        int cancel = input[2] & 3;
        int k = input[3] & 7;
        int[] segments = new int[Math.min(k, input.length - 4)];
        for (int i = 0; i < segments.length; i++) {
            segments[i] = 1 + (input[4 + i] & 0x1f);
        }
        byte[] stream = Arrays.copyOfRange(input, 4 + segments.length, input.length);

        MemoryTransport transport = fedInline();
        StreamConnection conn = new StreamConnection(transport,
                ConnectionOptions.defaults().withReadHighWatermark(watermark), AsyncTimer.shared());
        Feeder feeder = new Feeder(transport, stream, segments);
        conn.start();
        try {
            int pos = 0;
            while (true) {
                byte[] rest = Arrays.copyOfRange(stream, pos, stream.length);
                AsyncFuture<byte[]> read = null;
                if (cancel == 1 || cancel == 2) {
                    // A first try, cancelled; if it completed before the cancel could win, it is this step's read.
                    read = tryAndCancel(conn, feeder, cancel == 2, new LengthPrefixed(rest, limit, skipPartial, feeder),
                            limit);
                }
                if (read == null) {
                    LengthPrefixed decoder = new LengthPrefixed(rest, limit, skipPartial, feeder);
                    read = conn.readFrame(decoder, limit);
                    feeder.feedUntilDone(read);
                    decoder.check();
                }
                pos = checkFrameRead(conn, feeder, read, rest, pos, limit, skipPartial);
                if (pos < 0) {
                    return;
                }
            }
        } finally {
            conn.abort();
        }
    }

    /**
     * Starts a frame read and cancels it: after feeding it one segment, or on the connection's executor (after the
     * claim, before the delivery). Returns {@code null} if the cancel won, else the completed read.
     */
    private static AsyncFuture<byte[]> tryAndCancel(StreamConnection conn, Feeder feeder, boolean onExecutor,
                                                    LengthPrefixed decoder, int limit) {
        @SuppressWarnings("unchecked")
        AsyncFuture<byte[]>[] tried = new AsyncFuture[1];
        boolean[] cancelled = new boolean[1];
        Throwable[] thrown = new Throwable[1];
        Runnable attempt = () -> {
            try {
                tried[0] = conn.readFrame(decoder, limit);
                if (!tried[0].isDone() && feeder.canFeed()) {
                    feeder.feedOne();
                }
                cancelled[0] = tried[0].cancel(false);
            } catch (Throwable t) {
                thrown[0] = t;
            }
        };
        if (onExecutor) {
            conn.executor().execute(attempt);
            assertThat(tried[0]).as("the executor was idle: the attempt ran at once").isNotNull();
        } else {
            attempt.run();
        }
        if (thrown[0] != null) {
            throw new AssertionError("the attempt failed", thrown[0]);
        }
        decoder.check();
        if (cancelled[0]) {
            return null;
        }
        assertThat(tried[0]).as("a read the cancel did not win is done").isDone();
        return tried[0];
    }

    /**
     * Checks a completed frame read of {@code rest} (the stream from {@code pos}) against the model; returns where
     * the stream continues, or -1 once the end of the stream was checked.
     */
    private static int checkFrameRead(StreamConnection conn, Feeder feeder, AsyncFuture<byte[]> read, byte[] rest,
                                      int pos, int limit, boolean skipPartial) throws InterruptedException {
        int frame = rest.length == 0 ? Integer.MAX_VALUE : 1 + (rest[0] & 0xff);
        if (frame <= rest.length && frame <= limit) {
            assertThat(outcome(read)).as("frame at %d", pos).isEqualTo(Arrays.copyOfRange(rest, 1, frame));
            return pos + frame;
        }
        if (rest.length >= limit) {
            // Longer than the limit: LimitOverrunException once the limit is buffered, and the bytes stay.
            Throwable failure = failure(read);
            assertThat(failure).as("overrun at %d", pos).isInstanceOf(LimitOverrunException.class);
            LimitOverrunException overrun = (LimitOverrunException) failure;
            assertThat(overrun.limit()).isEqualTo(limit);
            assertThat(overrun.consumed()).isBetween((long) limit, (long) rest.length);
            AsyncFuture<byte[]> kept = conn.readExactly((int) overrun.consumed());
            feeder.feedUntilDone(kept);
            assertThat(outcome(kept)).as("bytes kept after the overrun")
                    .isEqualTo(Arrays.copyOf(rest, (int) overrun.consumed()));
            return pos + (int) overrun.consumed();
        }
        // The stream ends inside a frame (or between frames): null, and only what the decoder skipped is gone.
        assertThat(feeder.eofSent()).as("the read ended before the end of the stream").isTrue();
        assertThat(outcome(read)).as("end of the stream at %d", pos).isNull();
        byte[] left = skipPartial ? new byte[0] : rest;
        LengthPrefixed again = new LengthPrefixed(left, limit, skipPartial, feeder);
        AsyncFuture<byte[]> after = conn.readFrame(again, limit);
        feeder.feedUntilDone(after);
        again.check();
        assertThat(outcome(after)).as("a frame read after the end").isNull();
        AsyncFuture<byte[]> last = conn.readToEnd(Integer.MAX_VALUE);
        feeder.feedUntilDone(last);
        assertThat(outcome(last)).as("the bytes left at the end").isEqualTo(left);
        return -1;
    }

    /**
     * One byte of length, then the payload; at the end of the stream, in skip mode, advances past a partial frame.
     * Checks what it is offered against {@code rest}, the unconsumed stream, and keeps the first violation.
     */
    private static final class LengthPrefixed implements FrameDecoder<byte[]> {
        private final byte[] rest;
        private final int limit;
        private final boolean skipPartial;
        private final Feeder feeder;
        private AssertionError violation;

        LengthPrefixed(byte[] rest, int limit, boolean skipPartial, Feeder feeder) {
            this.rest = rest;
            this.limit = limit;
            this.skipPartial = skipPartial;
            this.feeder = feeder;
        }

        @Override
        public byte[] decode(ByteBuffer b, boolean endOfStream) {
            try {
                int n = b.remaining();
                assertThat(b.isReadOnly()).as("a read-only view").isTrue();
                assertThat(n).as("offered bytes").isLessThanOrEqualTo(Math.min(limit, rest.length));
                byte[] offered = new byte[n];
                b.get(b.position(), offered);
                assertThat(offered).as("the unconsumed bytes, from the first").isEqualTo(Arrays.copyOf(rest, n));
                assertThat(endOfStream).as("end of the stream (offered %d of %d, limit %d)", n, rest.length, limit)
                        .isEqualTo(feeder.eofSent() && rest.length < limit);
                if (endOfStream) {
                    assertThat(n).as("at the end, every byte left").isEqualTo(rest.length);
                } else {
                    assertThat(n).as("some bytes, unless at the end").isPositive();
                }
            } catch (AssertionError e) {
                if (violation == null) {
                    violation = e;
                }
                throw e;
            }
            if (!b.hasRemaining()) {
                return null;
            }
            int len = b.get(b.position()) & 0xff;
            if (b.remaining() < 1 + len) {
                if (endOfStream && skipPartial) {
                    b.position(b.limit());
                }
                return null;
            }
            b.get();
            byte[] payload = new byte[len];
            b.get(payload);
            return payload;
        }

        /** Throws the first violation the decoder saw, even in a read whose failure was not looked at. */
        void check() {
            if (violation != null) {
                throw violation;
            }
        }
    }

    /**
     * Reads one byte more than is buffered; in that read's callback (on the connection's executor, so any delivery
     * it causes is queued behind it) starts read {@code kind}, hands the transport a segment, and cancels the read.
     */
    private static void cancelAfterClaim(StreamConnection conn, Feeder feeder, int kind, int arg,
                                         ByteArrayOutputStream got) throws Exception {
        AsyncFuture<byte[]> outer = conn.readExactly((int) conn.bufferedInputBytes() + 1);
        Read[] inner = new Read[1];
        boolean[] cancelled = new boolean[1];
        Throwable[] thrown = new Throwable[1];
        outer.whenComplete((bytes, failure) -> {
            try {
                inner[0] = Read.start(conn, kind, arg);
                if (!inner[0].future.isDone() && feeder.canFeed()) {
                    feeder.feedOne();
                }
                cancelled[0] = inner[0].future.cancel(false);
            } catch (Throwable t) {
                thrown[0] = t;
            }
        });
        feeder.feedUntilDone(outer);
        if (thrown[0] != null) {
            throw new AssertionError("the callback failed", thrown[0]);
        }
        try {
            got.writeBytes(outer.get());
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(IncompleteReadException.class);
            got.writeBytes(((IncompleteReadException) e.getCause()).partial());
        }
        if (cancelled[0]) {
            assertThat(inner[0].dst.position()).as("a cancelled read(dst) leaves dst as it was").isZero();
        } else {
            got.writeBytes(inner[0].consumed(feeder.eofSent()));  // it completed before the cancel
        }
    }

    /** One read of the mixed script, and how to account for its outcome. */
    private static final class Read {
        final int kind;
        final int arg;
        final byte[] delimiter;
        final int limit;
        final ByteBuffer dst;
        AsyncFuture<?> future;

        private Read(int kind, int arg) {
            this.kind = kind;
            this.arg = arg;
            this.delimiter = kind == 3 ? CRLF : kind == 4 ? LF : new byte[] {';'};
            this.limit = Math.max(arg, delimiter.length);
            this.dst = ByteBuffer.allocate(1 + arg);
        }

        static Read start(StreamConnection conn, int kind, int arg) {
            Read r = new Read(kind, arg);
            r.future = switch (kind) {
                case 0 -> conn.readExactly(arg);
                case 1 -> conn.read(1 + arg);
                case 2 -> conn.read(r.dst);
                default -> conn.readUntil(r.delimiter, r.limit);
            };
            return r;
        }

        /** The bytes the completed read took from the stream, checking its method's contract. */
        byte[] consumed(boolean eofSent) throws InterruptedException {
            Object value;
            try {
                value = future.get();
            } catch (ExecutionException e) {
                Throwable failure = e.getCause();
                if (failure instanceof IncompleteReadException incomplete) {
                    assertThat(kind == 0 || kind >= 3).as("only readExactly/readUntil end incomplete").isTrue();
                    assertThat(eofSent).isTrue();
                    return incomplete.partial();
                }
                assertThat(failure).as("read kind %d (%d)", kind, arg).isInstanceOf(LimitOverrunException.class);
                assertThat(kind).isGreaterThanOrEqualTo(3);
                return new byte[0];                                  // the bytes stay buffered
            }
            switch (kind) {
                case 0: {
                    byte[] bytes = (byte[]) value;
                    assertThat(bytes).hasSize(arg);
                    return bytes;
                }
                case 1: {
                    ByteBuffer b = (ByteBuffer) value;
                    byte[] bytes = new byte[b.remaining()];
                    b.get(bytes);
                    assertThat(bytes.length).isBetween(bytes.length == 0 && eofSent ? 0 : 1, 1 + arg);
                    return bytes;
                }
                case 2: {
                    int n = (Integer) value;
                    assertThat(n).isBetween(n == -1 && eofSent ? -1 : 1, 1 + arg);
                    assertThat(dst.position()).isEqualTo(Math.max(n, 0));
                    return Arrays.copyOf(dst.array(), Math.max(n, 0));
                }
                default: {
                    byte[] bytes = (byte[]) value;
                    assertThat(bytes.length).isLessThanOrEqualTo(limit);
                    assertThat(indexOf(bytes, delimiter)).as("the record ends at its first delimiter")
                            .isEqualTo(bytes.length - delimiter.length);
                    return bytes;
                }
            }
        }
    }

    private static byte[] outcome(AsyncFuture<byte[]> read) throws InterruptedException {
        try {
            return read.get();
        } catch (ExecutionException e) {
            throw new AssertionError("read failed", e.getCause());
        }
    }

    private static Throwable failure(AsyncFuture<byte[]> read) throws InterruptedException {
        try {
            byte[] value = read.get();
            return fail("expected a failure, got %d bytes: %s", value == null ? -1 : value.length,
                    value == null ? null : Arrays.toString(value));
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    /**
     * A transport the test feeds on its own thread: every completion runs inside the feeding call, and its buffer
     * takes the largest socket read the connection issues.
     */
    private static MemoryTransport fedInline() {
        return MemoryTransport.pair(64 * 1024, 64 * 1024, Runnable::run, true);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }

    /** Hands the stream to the transport segment by segment, then the end of the stream, while a read waits. */
    private static final class Feeder {
        private final MemoryTransport transport;
        private final byte[] stream;
        private final int[] segments;
        private int next;
        private int segment;
        private boolean eofSent;

        Feeder(MemoryTransport transport, byte[] stream, int[] segments) {
            this.transport = transport;
            this.stream = stream;
            this.segments = segments;
        }

        boolean eofSent() {
            return eofSent;
        }

        /** Whether the connection has a socket read outstanding and the stream has not ended yet. */
        boolean canFeed() {
            return !eofSent && transport.readPending();
        }

        /** Feeds up to {@code count} segments (or the end of the stream) while {@code read} waits. */
        void feedSegments(AsyncFuture<?> read, int count) {
            for (int i = 0; i < count && !read.isDone(); i++) {
                feedOne();
            }
        }

        void feedUntilDone(AsyncFuture<?> read) {
            while (!read.isDone()) {
                feedOne();
            }
        }

        void feedOne() {
            assertThat(transport.readPending())
                    .as("a read waits, so the connection must be reading (stream at %d of %d, eof sent: %s)",
                            next, stream.length, eofSent)
                    .isTrue();
            if (next < stream.length) {
                int size = segments.length == 0 ? stream.length - next
                        : Math.min(segments[segment++ % segments.length], stream.length - next);
                int from = next;
                next += Math.min(size, transport.readRoom());  // first: the delivery may feed again, nested
                transport.deliver(stream, from, next - from);
            } else {
                eofSent = true;
                transport.deliverEof();
            }
        }
    }
}
