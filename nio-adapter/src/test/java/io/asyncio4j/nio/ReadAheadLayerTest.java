package io.asyncio4j.nio;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.ConnectionOptions;
import io.asyncio4j.FrameDecoder;
import io.asyncio4j.combinators.AsyncTimer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.asyncio4j.nio.LoopFixture.await;
import static io.asyncio4j.nio.LoopFixture.eventually;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A connection over a layer that owns its read loop ({@link ReadAheadLayer}, as TLS will): the layer reads below
 * whether or not the connection asks, parks what arrives, completes the connection's reads inline or from another
 * thread; the connection reads every form through it, loses nothing to a read given up, and sees the end of the
 * stream and its own close as over a socket.
 */
class ReadAheadLayerTest {

    private static EventLoop loop;
    private ServerSocket listener;
    private Socket peer;
    private OutputStream out;
    private ReadAheadLayer layer;
    private StreamConnection conn;
    private ExecutorService completer;

    @BeforeAll
    static void startLoop() {
        loop = EventLoop.builder().name("read-ahead-test").ioThreads(2).build();
    }

    @AfterAll
    static void stopLoop() {
        loop.close();
    }

    @AfterEach
    void close() throws Exception {
        if (conn != null) {
            conn.abort();
        }
        if (peer != null) {
            peer.close();
        }
        if (listener != null) {
            listener.close();
        }
        if (completer != null) {
            completer.shutdownNow();
        }
    }

    /** Connects a socket of the loop to a plain peer and puts a connection over a read-ahead layer on it. */
    private void connect(ConnectionOptions options, java.util.concurrent.Executor completions) throws Exception {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        AsynchronousSocketChannel ch = AsynchronousSocketChannel.open(loop.group());
        ch.connect(listener.getLocalSocketAddress()).get(LoopFixture.WAIT.toSeconds(), TimeUnit.SECONDS);
        peer = listener.accept();
        peer.setTcpNoDelay(true);
        out = peer.getOutputStream();
        layer = new ReadAheadLayer(new SocketTransport(ch), completions);
        conn = new StreamConnection(layer, options, loop.timer());
        conn.start();
    }

    private void connect() throws Exception {
        connect(ConnectionOptions.defaults(), Runnable::run);
    }

    private void send(String s) throws IOException {
        out.write(s.getBytes(US_ASCII));
        out.flush();
    }

    private static String text(byte[] b) {
        return new String(b, US_ASCII);
    }

    private static String text(ByteBuffer b) {
        return US_ASCII.decode(b).toString();
    }

    /** A frame of one length byte and that many bytes. */
    private static final FrameDecoder<String> LENGTH_PREFIXED = (b, end) -> {
        if (!b.hasRemaining() || b.remaining() < 1 + (b.get(b.position()) & 0xff)) {
            return null;
        }
        byte[] body = new byte[b.get() & 0xff];
        b.get(body);
        return text(body);
    };

    @Test
    void everyReadFormGetsItsBytesInOrder() throws Exception {
        connect();
        send("chunk|into|alloc|exact|until;line\r\n\u0003abcskipmelong line to skip\nrest");
        peer.shutdownOutput();

        assertThat(text(await(conn.read(6)))).isEqualTo("chunk|");
        ByteBuffer dst = ByteBuffer.allocate(5);
        assertThat(await(conn.read(dst))).isEqualTo(5);
        assertThat(text(dst.flip())).isEqualTo("into|");
        assertThat(text(await(conn.read(6, ByteBuffer::allocate)))).isEqualTo("alloc|");
        assertThat(text(await(conn.readExactly(6)))).isEqualTo("exact|");
        assertThat(text(await(conn.readUntil(";".getBytes(US_ASCII), 64)))).isEqualTo("until;");
        assertThat(text(await(conn.readLine(64)))).isEqualTo("line");
        assertThat(await(conn.readFrame(LENGTH_PREFIXED, 64))).isEqualTo("abc");
        await(conn.skip(6));
        assertThat(await(conn.skipLine())).isEqualTo(18);
        assertThat(text(await(conn.readToEnd(64)))).isEqualTo("rest");
        assertThat(await(conn.read(8)).hasRemaining()).isFalse();
    }

    @Test
    void chunksTheLayerParkedWhileTheConnectionStoppedReadingArriveInOrder() throws Exception {
        connect(ConnectionOptions.defaults().withReadHighWatermark(1), Runnable::run);
        StringBuilder sent = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            String segment = "segment " + i + ";";
            sent.append(segment);
            send(segment);
        }
        eventually("the layer read everything though the connection wanted one byte",
                () -> layer.parkedBytes() + conn.bufferedInputBytes() == sent.length());
        assertThat(layer.lowerReads()).isPositive();
        assertThat(text(await(conn.readExactly(sent.length())))).isEqualTo(sent.toString());
    }

    @Test
    void readsGivenUpAtRandomMomentsLoseNoByte() throws Exception {
        connect();
        int total = 200_000;
        Thread writer = new Thread(() -> {
            try {
                byte[] chunk = new byte[997];
                for (int i = 0; i < total; i++) {
                    chunk[i % chunk.length] = (byte) i;
                    if (i % chunk.length == chunk.length - 1 || i == total - 1) {
                        out.write(chunk, 0, i % chunk.length + 1);
                    }
                }
                peer.shutdownOutput();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        writer.start();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        ByteBuffer dst = ByteBuffer.allocate(300);
        while (true) {
            AsyncFuture<?> read;
            switch (random.nextInt(3)) {
                case 0 -> read = conn.read(1 + random.nextInt(500));
                case 1 -> read = conn.read(dst.clear());
                default -> read = conn.readExactly(random.nextInt(400));
            }
            if (random.nextBoolean() && read.cancel(false)) {
                continue;
            }
            Object value;
            try {
                value = await(read);
            } catch (CompletionException e) {
                got.write(((io.asyncio4j.IncompleteReadException) e.getCause()).partial());
                break;
            }
            if (value instanceof ByteBuffer b) {
                if (!b.hasRemaining()) {
                    break;
                }
                got.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
            } else if (value instanceof Integer n) {
                if (n < 0) {
                    break;
                }
                got.write(dst.array(), 0, n);
            } else {
                got.write((byte[]) value);
            }
        }
        writer.join(LoopFixture.WAIT.toMillis());
        byte[] all = got.toByteArray();
        assertThat(all).hasSize(total);
        for (int i = 0; i < total; i++) {
            if (all[i] != (byte) i) {
                throw new AssertionError("byte " + i + " is " + all[i]);
            }
        }
    }

    @Test
    void theEndOfTheStreamComesAfterTheLastParkedByte() throws Exception {
        connect(ConnectionOptions.defaults().withReadHighWatermark(1), Runnable::run);
        send("the tail");
        peer.shutdownOutput();
        assertThat(text(await(conn.readToEnd(64)))).isEqualTo("the tail");
        assertThat(await(conn.readLine(64))).isNull();
    }

    @Test
    void closeFailsThePendingReadAndClosesTheTransportBelow() throws Exception {
        connect();
        AsyncFuture<byte[]> line = conn.readLine(64);
        await(conn.close());
        assertThatThrownBy(() -> await(line)).cause().isInstanceOf(AsynchronousCloseException.class);
        assertThat(peer.getInputStream().read()).isEqualTo(-1);
    }

    @Test
    void readsCompletedOnTheLayersOwnThreadAreServed() throws Exception {
        completer = Executors.newSingleThreadExecutor(r -> new Thread(r, "layer-completer"));
        connect(ConnectionOptions.defaults(), completer);
        AtomicReference<String> completedOn = new AtomicReference<>();
        AsyncFuture<byte[]> line = conn.readLine(64);
        line.thenRun(() -> completedOn.set(Thread.currentThread().getName()));
        send("from afar\n");
        // Waited for without get(), which would let this thread run the callback itself.
        eventually("the callback ran", () -> completedOn.get() != null);
        assertThat(completedOn.get()).isEqualTo("layer-completer");
        assertThat(text(await(line))).isEqualTo("from afar");
        send("and more\n");
        assertThat(text(await(conn.readLine(64)))).isEqualTo("and more");
    }

    @Test
    void readsCompletedInlineDoNotGrowTheStack() throws Exception {
        int n = 200_000;
        CompletableFuture<byte[]> read = new CompletableFuture<>();
        Thread small = new Thread(null, () -> {
            try {
                StreamConnection c = new StreamConnection(new InlineBytes(n), ConnectionOptions.defaults(),
                        AsyncTimer.shared());
                c.start();
                c.readExactly(n).whenComplete((b, e) -> {
                    if (e != null) {
                        read.completeExceptionally(e);
                    } else {
                        read.complete(b);
                    }
                });
            } catch (Throwable e) {
                read.completeExceptionally(e);
            }
        }, "small-stack", 256 * 1024);
        small.start();
        byte[] all = await(read);
        assertThat(all).hasSize(n);
        assertThat(all[n - 1]).isEqualTo((byte) (n - 1));
    }

    /** A transport that completes every read inline, one byte at a time: 0, 1, 2... then the end of the stream. */
    private static final class InlineBytes implements ByteTransport {
        private final int total;
        private int next;

        InlineBytes(int total) {
            this.total = total;
        }

        @Override
        public <A> void read(ByteBuffer dst, A attachment, CompletionHandler<Integer, ? super A> handler) {
            if (next == total) {
                handler.completed(-1, attachment);
                return;
            }
            dst.put((byte) next++);
            handler.completed(1, attachment);
        }

        @Override
        public <A> void write(ByteBuffer src, A attachment, CompletionHandler<Integer, ? super A> handler) {
            int n = src.remaining();
            src.position(src.limit());
            handler.completed(n, attachment);
        }

        @Override
        public <A> void write(ByteBuffer[] srcs, int offset, int length, A attachment,
                              CompletionHandler<Long, ? super A> handler) {
            long n = 0;
            for (int i = offset; i < offset + length; i++) {
                n += srcs[i].remaining();
                srcs[i].position(srcs[i].limit());
            }
            handler.completed(n, attachment);
        }

        @Override
        public void shutdownOutput() {
        }

        @Override
        public void close() {
        }

        @Override
        public SocketAddress localAddress() {
            return null;
        }

        @Override
        public SocketAddress remoteAddress() {
            return null;
        }

        @Override
        public <T> T getOption(SocketOption<T> option) {
            throw new UnsupportedOperationException(option.name());
        }

        @Override
        public <T> void setOption(SocketOption<T> option, T value) {
            throw new UnsupportedOperationException(option.name());
        }
    }
}
