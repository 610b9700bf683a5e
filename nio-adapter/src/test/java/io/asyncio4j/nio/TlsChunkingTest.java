package io.asyncio4j.nio;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.ConnectionOptions;
import io.asyncio4j.TlsOptions;
import io.asyncio4j.TlsTruncationException;
import io.asyncio4j.WriteQueueFullException;
import io.asyncio4j.combinators.Async;
import io.asyncio4j.tls.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.net.ssl.SSLContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.UnaryOperator;

import static io.asyncio4j.nio.LoopFixture.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The TLS layer over transports that do not behave like a quick socket: ciphertext handed up a byte at a time or
 * in random pieces (a {@link ChunkingTransport} under each side's {@link TlsTransport}), plaintext read a byte at a
 * time out of full records, and writes that never complete below (a {@link StallingTransport}). The connections are
 * built here from the package's own classes — connection over TLS over the double over a NIO.2 socket — on
 * loopback, with the real JDK engine.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsChunkingTest {

    /** The seed of the random splits; a failure names it. */
    private static final long SEED = 0x7151_c0deL;

    /** How ciphertext reaches each TLS layer. */
    enum Chunking {
        WHOLE {
            @Override
            IntSupplier sizes() {
                return () -> Integer.MAX_VALUE;
            }
        },
        ONE_BYTE {
            @Override
            IntSupplier sizes() {
                return () -> 1;
            }
        },
        RANDOM {
            @Override
            IntSupplier sizes() {
                Random random = new Random(SEED);
                // Mostly small pieces, so that headers split, and some beyond a record, so that records join.
                return () -> random.nextInt(4) == 0 ? 1 + random.nextInt(20 * 1024) : 1 + random.nextInt(64);
            }

            @Override
            public String toString() {
                return "RANDOM(seed " + SEED + ")";
            }
        };

        abstract IntSupplier sizes();

        UnaryOperator<ByteTransport> below() {
            return this == WHOLE ? t -> t : t -> new ChunkingTransport(t, sizes());
        }
    }

    private EventLoop loop;
    private SSLContext serverContext;
    private SSLContext clientContext;
    private final List<AutoCloseable> opened = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    void start() {
        loop = EventLoop.builder().name("tls-chunking").ioThreads(2).build();
        serverContext = TestCertificates.serverContext();
        clientContext = TestCertificates.clientTrustingCa();
    }

    @AfterAll
    void stop() {
        loop.close();
    }

    @AfterEach
    void closeOpened() throws Exception {
        synchronized (opened) {
            for (AutoCloseable c : opened) {
                c.close();
            }
            opened.clear();
        }
    }

    @ParameterizedTest
    @EnumSource(Chunking.class)
    void aMebibyteEchoesWholeBothWaysThroughSplitCiphertext(Chunking chunking) throws Exception {
        Pair p = pair(chunking.below(), chunking.below(), ConnectionOptions.defaults(), client());
        echo(p.server());
        byte[] sent = new byte[1024 * 1024];
        new Random(SEED).nextBytes(sent);
        AsyncFuture<byte[]> echoed = p.client().readExactly(sent.length);
        await(p.client().write(sent));
        assertThat(await(echoed)).as("the echo through %s ciphertext", chunking).isEqualTo(sent);
    }

    @ParameterizedTest
    @EnumSource(Chunking.class)
    void oneByteReadBuffersReadFullRecordsOneByteAtATime(Chunking chunking) throws Exception {
        Pair p = pair(chunking.below(), chunking.below(), ConnectionOptions.defaults(), client());
        byte[] sent = new byte[3 * 16 * 1024 + 100]; // three full records and a short one
        new Random(SEED).nextBytes(sent);
        await(p.server().write(sent));
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        ByteBuffer one = ByteBuffer.allocate(1);
        await(Async.whileTrue(() -> p.client().read(one.clear()).thenApply(n -> {
            assertThat(n).isEqualTo(1);
            got.write(one.get(0));
            return got.size() < sent.length;
        })));
        assertThat(got.toByteArray()).as("read a byte at a time through %s ciphertext", chunking).isEqualTo(sent);
    }

    @Test
    void closeEndsAtTheFlushTimeoutWhenRecordsAndCloseNotifyAreStuckBelow() throws Exception {
        StallingTransport[] stall = new StallingTransport[1];
        Pair p = pair(t -> stall[0] = new StallingTransport(t), t -> t, ConnectionOptions.defaults(),
                client().withCloseNotifyFlushTimeout(Duration.ofMillis(200)));
        stall[0].stallWrites();
        await(p.client().write(new byte[1000])); // done once its records are handed below, where they stay
        await(p.client().close());               // close_notify queued behind them: only the timer ends this
        assertThat(stall[0].stuckWrites()).isEqualTo(1);
        assertThatThrownBy(() -> await(p.server().readToEnd(1 << 20))).as("neither the records nor close_notify came")
                .cause().isInstanceOf(TlsTruncationException.class);
    }

    @Test
    void aPeerThatNeverReadsCannotMakeTheConnectionQueueMoreThanItsCapAndOneWrite() throws Exception {
        long cap = 256 * 1024;
        int chunk = 16 * 1024;
        StallingTransport[] stall = new StallingTransport[1];
        Pair p = pair(t -> stall[0] = new StallingTransport(t), t -> t,
                ConnectionOptions.defaults().withWriteBuffer(cap / 4, cap), client());
        stall[0].stallWrites();
        long mostQueued = 0;
        Throwable refused = null;
        for (int i = 0; i < 10 * cap / chunk && refused == null; i++) {
            AsyncFuture<Void> w = p.client().write(new byte[chunk]);
            mostQueued = Math.max(mostQueued, p.client().pendingOutputBytes());
            if (w.isCompletedExceptionally()) {
                refused = w.handle((v, e) -> e).join();
            }
        }
        assertThat(refused).as("a write refused once the cap is reached").isInstanceOf(WriteQueueFullException.class);
        assertThat(mostQueued).isLessThanOrEqualTo(cap + chunk);
        // The layer writes below on the connection's executor, maybe after the loop above is done.
        LoopFixture.eventually("a write stuck below", () -> stall[0].stuckWrites() > 0);
        assertThat(stall[0].stuckWrites()).as("one write below at a time").isEqualTo(1);
    }

    // ------------------------------------------------------------------------------------------ fixtures

    /** The client's and the server's connection, their handshakes done. */
    private record Pair(StreamConnection client, StreamConnection server) {
    }

    private TlsOptions client() {
        return TlsOptions.client(clientContext).withServerName("localhost");
    }

    /**
     * A connected pair over loopback: each side a connection over a TLS layer over {@code clientBelow} or
     * {@code serverBelow}'s double over a NIO.2 socket of the loop.
     */
    private Pair pair(UnaryOperator<ByteTransport> clientBelow, UnaryOperator<ByteTransport> serverBelow,
                      ConnectionOptions clientOptions, TlsOptions clientTls) throws Exception {
        AsynchronousSocketChannel clientChannel;
        AsynchronousSocketChannel serverChannel;
        try (AsynchronousServerSocketChannel listener = AsynchronousServerSocketChannel.open(loop.group())) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Future<AsynchronousSocketChannel> accepting = listener.accept();
            clientChannel = AsynchronousSocketChannel.open(loop.group());
            opened.add(clientChannel);
            clientChannel.connect(listener.getLocalAddress()).get(LoopFixture.WAIT.toMillis(), TimeUnit.MILLISECONDS);
            serverChannel = accepting.get(LoopFixture.WAIT.toMillis(), TimeUnit.MILLISECONDS);
            opened.add(serverChannel);
        }
        Side client = side(clientChannel, clientBelow, clientOptions, clientTls, "localhost");
        Side server = side(serverChannel, serverBelow, ConnectionOptions.defaults(),
                TlsOptions.server(serverContext), null);
        await(client.tls().handshake());
        await(server.tls().handshake());
        return new Pair(client.connection(), server.connection());
    }

    private record Side(StreamConnection connection, TlsTransport tls) {
    }

    private Side side(AsynchronousSocketChannel channel, UnaryOperator<ByteTransport> below,
                      ConnectionOptions options, TlsOptions tls, String host) throws IOException {
        SerialExecutor executor = new SerialExecutor();
        TlsTransport layer = new TlsTransport(below.apply(new SocketTransport(channel)), tls, executor,
                loop.timer(), host);
        StreamConnection c = new StreamConnection(layer, executor, options, loop.timer());
        opened.add(c::abort);
        c.start();
        executor.execute(layer::start);
        return new Side(c, layer);
    }

    private static void echo(StreamConnection c) {
        Async.whileTrue(() -> c.read(64 * 1024).thenCompose(b -> b.hasRemaining()
                ? c.write(b).thenApply(v -> true) : AsyncFuture.completed(false)));
    }
}
