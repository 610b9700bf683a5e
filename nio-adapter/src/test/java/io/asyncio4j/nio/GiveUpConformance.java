package io.asyncio4j.nio;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.Connection;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Stream;

import static io.asyncio4j.nio.LoopFixture.await;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Giving a read up by any of the ways a {@code CompletableFuture} can be completed from outside — on the read's own
 * future or on a stage derived from it, while the read waits or between its claim and its delivery — loses no byte
 * and invents none: the stream read afterwards is exactly what the peer sent.
 */
abstract class GiveUpConformance extends ConformanceFixture {

    private static final String TEXT = "hello world!\nsecond line\nthird\n";

    GiveUpConformance(TransportKit kit) {
        super(kit);
    }

    @BeforeEach
    void openConnection() throws Exception {
        open();
    }

    /** One read form, started on the connection. */
    enum Read {
        SOME(c -> c.read(5)),
        INTO(c -> c.read(ByteBuffer.allocate(5))),
        ALLOCATED(c -> c.read(5, ByteBuffer::allocate)),
        EXACTLY(c -> c.readExactly(5)),
        UNTIL(c -> c.readUntil(new byte[] {'!'}, 100)),
        LINE(c -> c.readLine(100)),
        LINE_TEXT(c -> c.readLine(100, US_ASCII)),
        FRAME(c -> c.readFrame(GiveUpConformance::fiveByteFrame, 100)),
        SKIP(c -> c.skip(5)),
        SKIP_LINE(Connection::skipLine);

        final Function<Connection, AsyncFuture<?>> start;

        Read(Function<Connection, AsyncFuture<?>> start) {
            this.start = start;
        }
    }

    private static byte[] fiveByteFrame(ByteBuffer in, boolean end) {
        if (in.remaining() < 5) {
            return null;
        }
        byte[] b = new byte[5];
        in.get(b);
        return b;
    }

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (Read r : Read.values()) {
            for (GiveUpMethod m : GiveUpMethod.values()) {
                all.add(Arguments.of(r, m, false));
                all.add(Arguments.of(r, m, true));
            }
        }
        return all.stream();
    }

    /** Reads the rest of the stream once the peer has half-closed. */
    private String rest() throws Exception {
        peer.shutdownOutput();
        return new String(await(conn.readToEnd(1 << 16)), US_ASCII);
    }

    private static CompletableFuture<?> target(AsyncFuture<?> read, boolean derived) {
        return derived ? read.thenApply(x -> x).whenComplete((v, e) -> { }) : read;
    }

    @ParameterizedTest(name = "{0} {1} derived={2}")
    @MethodSource("cases")
    void givingUpAWaitingReadLeavesTheStreamWhole(Read read, GiveUpMethod method, boolean derived) throws Exception {
        AsyncFuture<?> f = read.start.apply(conn);
        method.giveUpAndWait(target(f, derived));

        send(TEXT);
        assertThat(rest()).isEqualTo(TEXT);
    }

    @ParameterizedTest(name = "{0} {1} derived={2}")
    @MethodSource("cases")
    void givingUpAReadBetweenItsClaimAndItsDeliveryPutsTheBytesBack(Read read, GiveUpMethod method, boolean derived)
            throws Exception {
        sendAndWait(TEXT, TEXT.length());
        CompletableFuture<Void> done = new CompletableFuture<>();
        conn.executor().execute(() -> {
            try {
                // On the executor the read claims buffered bytes at once; its delivery waits behind this task.
                AsyncFuture<?> f = read.start.apply(conn);
                method.giveUpAndWait(target(f, derived));
                done.complete(null);
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        });
        await(done);

        assertThat(rest()).isEqualTo(TEXT);
    }

    @ParameterizedTest(name = "{0} {1} derived={2}")
    @MethodSource("cases")
    void givingUpAReadThatHasDeliveredIsRefused(Read read, GiveUpMethod method, boolean derived) throws Exception {
        if (method.overwrites()) {
            return; // obtrude overwrites a delivered value by definition
        }
        sendAndWait(TEXT, TEXT.length());
        AsyncFuture<?> f = read.start.apply(conn);
        @SuppressWarnings("unchecked")
        CompletableFuture<Object> t = (CompletableFuture<Object>) target(f, derived);
        Object value = await(t);

        method.giveUp(t);

        assertThat(t).isCompletedWithValue(value);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("methods")
    void aDerivedStageTimedOutDetachesItsReadSoTheNextReadGetsTheLine(GiveUpMethod method) throws Exception {
        // The Redis client's readReply(conn).orTimeout(...): the read under the stage must not stay attached.
        AsyncFuture<String> reply = conn.readLine(100, US_ASCII).thenApply(String::trim);
        method.giveUpAndWait(reply);

        send("one\r\n$3\r\ntwo\r\n");
        assertThat(await(conn.readLine(100, US_ASCII))).isEqualTo("one");
        assertThat(await(conn.readLine(100, US_ASCII))).isEqualTo("$3");
        assertThat(await(conn.readLine(100, US_ASCII))).isEqualTo("two");
    }

    static Stream<GiveUpMethod> methods() {
        return Arrays.stream(GiveUpMethod.values());
    }

    static Stream<Arguments> methodsOnEitherView() {
        return Arrays.stream(GiveUpMethod.values())
                .flatMap(m -> Stream.of(Arguments.of(m, false), Arguments.of(m, true)));
    }

    private static <T> CompletableFuture<T> view(AsyncFuture<T> f, boolean derived) {
        return derived ? f.thenApply(x -> x) : f;
    }

    @Test
    void aDependentThatReusesTheBufferOnSeeingTheCancellationCannotCorruptTheStream() throws Exception {
        sendAndWait(TEXT, TEXT.length());
        ByteBuffer dst = ByteBuffer.allocate(11);
        CompletableFuture<Void> done = new CompletableFuture<>();
        conn.executor().execute(() -> {
            try {
                AsyncFuture<Integer> f = conn.read(dst);
                f.whenComplete((n, e) -> {
                    // read(dst)'s Javadoc lets the caller reuse its buffer once the read is over.
                    dst.clear();
                    dst.put("XXXXXXXXXXX".getBytes(US_ASCII));
                });
                assertThat(f.cancel(false)).isTrue();
                done.complete(null);
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        });
        await(done);

        assertThat(rest()).isEqualTo(TEXT);
    }

    @Test
    void aReadOfTheCallersBufferGivenUpFromAnotherThreadLetsGoBeforeItsDependentsRun() throws Exception {
        ByteBuffer dst = ByteBuffer.allocate(64);
        AsyncFuture<Integer> f = conn.read(dst);
        List<String> seen = new ArrayList<>();
        f.whenComplete((n, e) -> seen.add("position " + dst.position()));
        AsyncFuture<Integer> stage = f.thenApply(n -> n);

        stage.completeExceptionally(new TimeoutException("given up"));

        assertThat(seen).containsExactly("position 0");
        assertThatThrownBy(f::join).isInstanceOf(CancellationException.class);
        send(TEXT);
        assertThat(rest()).isEqualTo(TEXT);
    }

    @Test
    void aStageTimedOutWhileItsValueIsOnItsWayStillGetsTheValue() throws Exception {
        // The read has settled; the thenApply function holds its value: a give-up must not drop it.
        CompletableFuture<Void> inFunction = new CompletableFuture<>();
        CompletableFuture<Void> proceed = new CompletableFuture<>();
        AsyncFuture<String> line = conn.readLine(100, US_ASCII).thenApply(s -> {
            inFunction.complete(null);
            proceed.orTimeout(30, TimeUnit.SECONDS).join(); // holds the connection's executor, not this thread
            return s;
        });
        send(TEXT);
        await(inFunction);

        assertThat(line.completeExceptionally(new TimeoutException("given up"))).isFalse();
        assertThat(line.cancel(false)).isFalse();
        proceed.complete(null);

        assertThat(await(line)).isEqualTo("hello world!");
    }

    // ------------------------------------------------------------------------------------------ other operations

    @ParameterizedTest(name = "{0} derived={1}")
    @MethodSource("methodsOnEitherView")
    void aQueuedWriteGivenUpIsNotSent(GiveUpMethod method, boolean derived) throws Exception {
        if (method.async) {
            return; // a queued write's delivery cannot be held back for a timer without blocking the executor
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        conn.executor().execute(() -> {
            try {
                conn.write("first ", US_ASCII);
                AsyncFuture<Void> dropped = conn.write("dropped ", US_ASCII);
                method.giveUpAndWait(view(dropped, derived));
                conn.write("last", US_ASCII);
                done.complete(null);
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        });
        await(done);
        conn.close();

        assertThat(text(peer.readToEnd())).isEqualTo("first last");
        assertThat(conn.pendingOutputBytes()).isZero();
    }

    @ParameterizedTest(name = "{0} derived={1}")
    @MethodSource("methodsOnEitherView")
    void aDrainGivenUpLeavesTheConnectionUsable(GiveUpMethod method, boolean derived) throws Exception {
        byte[] chunk = new byte[256 * 1024];
        List<AsyncFuture<Void>> writes = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            writes.add(conn.write(chunk));
        }
        AsyncFuture<Void> drain = conn.drain(); // nobody reads yet: it waits
        method.giveUpAndWait(view(drain, derived));
        // The drain under a stage given up completes right after that stage (with its cancellation), or it drained.
        await(drain.handle((v, e) -> null));

        CompletableFuture<Integer> received = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                received.complete(peer.read(8 * chunk.length).length);
            } catch (Exception e) {
                received.completeExceptionally(e);
            }
        });
        reader.start();
        await(conn.drain());
        for (AsyncFuture<Void> w : writes) {
            await(w);
        }
        assertThat(conn.pendingOutputBytes()).isZero();
        assertThat(await(received)).isEqualTo(8 * chunk.length);
    }
}
