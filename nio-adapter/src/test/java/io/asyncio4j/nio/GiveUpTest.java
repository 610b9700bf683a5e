package io.asyncio4j.nio;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.FrameDecoder;
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
import static io.asyncio4j.nio.LoopFixture.eventually;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Giving a read up by any of the ways a {@code CompletableFuture} can be completed from outside — on the read's own
 * future or on a stage derived from it, while the read waits or between its claim and its delivery — loses no byte
 * and invents none: the stream read afterwards is exactly what the peer sent.
 */
class GiveUpTest extends AcceptedConnectionFixture {

    private static final String TEXT = "hello world!\nsecond line\nthird\n";

    GiveUpTest() {
        super(false);
    }

    /** One way of giving a future up; {@code async} ones complete it later, from the JDK's delay thread. */
    enum Method {
        CANCEL(false) {
            @Override
            void giveUp(CompletableFuture<?> f) {
                f.cancel(false);
            }
        },
        COMPLETE(false) {
            @Override
            void giveUp(CompletableFuture<?> f) {
                f.complete(null);
            }
        },
        COMPLETE_EXCEPTIONALLY(false) {
            @Override
            void giveUp(CompletableFuture<?> f) {
                f.completeExceptionally(new TimeoutException("given up"));
            }
        },
        OBTRUDE_VALUE(false) {
            @Override
            void giveUp(CompletableFuture<?> f) {
                f.obtrudeValue(null);
            }
        },
        OBTRUDE_EXCEPTION(false) {
            @Override
            void giveUp(CompletableFuture<?> f) {
                f.obtrudeException(new TimeoutException("given up"));
            }
        },
        OR_TIMEOUT(true) {
            @Override
            void giveUp(CompletableFuture<?> f) {
                f.orTimeout(1, TimeUnit.MILLISECONDS);
            }
        },
        COMPLETE_ON_TIMEOUT(true) {
            @Override
            void giveUp(CompletableFuture<?> f) {
                f.completeOnTimeout(null, 1, TimeUnit.MILLISECONDS);
            }
        },
        COMPLETE_ASYNC(true) {
            @Override
            void giveUp(CompletableFuture<?> f) {
                f.completeAsync(() -> null);
            }
        };

        final boolean async;

        Method(boolean async) {
            this.async = async;
        }

        abstract void giveUp(CompletableFuture<?> f);

        /** Gives {@code f} up and waits until it is complete. */
        void giveUpAndWait(CompletableFuture<?> f) {
            giveUp(f);
            if (async) {
                f.handle((v, e) -> null).orTimeout(30, TimeUnit.SECONDS).join();
            }
            assertThat(f).as(name() + " completed the future").isDone();
        }
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
        FRAME(c -> c.readFrame(GiveUpTest::fiveByteFrame, 100));

        final Function<StreamConnection, AsyncFuture<?>> start;

        Read(Function<StreamConnection, AsyncFuture<?>> start) {
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
            for (Method m : Method.values()) {
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
    void givingUpAWaitingReadLeavesTheStreamWhole(Read read, Method method, boolean derived) throws Exception {
        AsyncFuture<?> f = read.start.apply(conn);
        method.giveUpAndWait(target(f, derived));

        send(TEXT);
        assertThat(rest()).isEqualTo(TEXT);
    }

    @ParameterizedTest(name = "{0} {1} derived={2}")
    @MethodSource("cases")
    void givingUpAReadBetweenItsClaimAndItsDeliveryPutsTheBytesBack(Read read, Method method, boolean derived)
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
    void givingUpAReadThatHasDeliveredIsRefused(Read read, Method method, boolean derived) throws Exception {
        if (method == Method.OBTRUDE_VALUE || method == Method.OBTRUDE_EXCEPTION) {
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
    void aDerivedStageTimedOutDetachesItsReadSoTheNextReadGetsTheLine(Method method) throws Exception {
        // The Redis client's readReply(conn).orTimeout(...): the read under the stage must not stay attached.
        AsyncFuture<String> reply = conn.readLine(100, US_ASCII).thenApply(String::trim);
        method.giveUpAndWait(reply);

        send("one\r\n$3\r\ntwo\r\n");
        assertThat(await(conn.readLine(100, US_ASCII))).isEqualTo("one");
        assertThat(await(conn.readLine(100, US_ASCII))).isEqualTo("$3");
        assertThat(await(conn.readLine(100, US_ASCII))).isEqualTo("two");
    }

    static Stream<Method> methods() {
        return Arrays.stream(Method.values());
    }

    static Stream<Arguments> methodsOnEitherView() {
        return Arrays.stream(Method.values()).flatMap(m -> Stream.of(Arguments.of(m, false), Arguments.of(m, true)));
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
    void aQueuedWriteGivenUpIsNotSent(Method method, boolean derived) throws Exception {
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

        assertThat(new String(peer.getInputStream().readAllBytes(), US_ASCII)).isEqualTo("first last");
        assertThat(conn.pendingOutputBytes()).isZero();
    }

    @ParameterizedTest(name = "{0} derived={1}")
    @MethodSource("methodsOnEitherView")
    void aDrainGivenUpLeavesTheConnectionUsable(Method method, boolean derived) throws Exception {
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
                received.complete(peer.getInputStream().readNBytes(8 * chunk.length).length);
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

    @ParameterizedTest(name = "{0} derived={1}")
    @MethodSource("methodsOnEitherView")
    void aConnectGivenUpClosesItsSocket(Method method, boolean derived) throws Exception {
        if (method == Method.OBTRUDE_VALUE || method == Method.OBTRUDE_EXCEPTION) {
            return; // obtrude overwrites a connection already delivered, which nobody could close then
        }
        AsyncFuture<io.asyncio4j.Connection> f = loop.connect("127.0.0.1", countingServer.port());
        method.giveUpAndWait(view(f, derived));
        if (!f.isGivenUp()) {
            await(f.join().close()); // connected before the give-up: the connection is the caller's
            eventually("the connection closed", () -> openAccepted.get() == 0);
            return;
        }
        // Whatever the server accepted for this connect is closed by the client: it reads end of stream.
        eventually("the given-up connect's socket closed", () -> openAccepted.get() == 0);
    }

    private static final java.util.concurrent.atomic.AtomicInteger openAccepted =
            new java.util.concurrent.atomic.AtomicInteger();
    private static io.asyncio4j.Server countingServer;

    @org.junit.jupiter.api.BeforeAll
    static void startCountingServer() {
        countingServer = LoopFixture.listen(loop, c -> {
            openAccepted.incrementAndGet();
            return c.readToEnd(1 << 16).handle((b, e) -> {
                openAccepted.decrementAndGet();
                return null;
            });
        });
    }

    @org.junit.jupiter.api.AfterAll
    static void stopCountingServer() {
        countingServer.close();
    }
}
