package io.asyncio4j.nio;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.ConnectionOptions;
import io.asyncio4j.combinators.Async;
import io.asyncio4j.combinators.AsyncTimer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * What one echoed message costs in the library's own code, without the kernel: 64 connections over an in-memory
 * transport whose peer sends back at once whatever the server writes, driven by one thread popping read
 * completions off a queue as an I/O thread pops them off epoll. Each operation is one message: a read completes,
 * the server writes the bytes back, the write completes and the next read is issued.
 *
 * <ul>
 *   <li>{@code handler}: two NIO.2-style {@code CompletionHandler}s per connection straight on the transport, as the
 *       benchmarks' hand-written NIO.2 echo: the floor.</li>
 *   <li>{@code callbacks}: the library's connection with a read and a write and one {@code whenComplete} each.</li>
 *   <li>{@code composed}: the pooled echo server of the load benchmark ({@code Async.whileTrue} over
 *       {@code read(max, allocator).thenCompose(write.thenApply)}).</li>
 * </ul>
 *
 * <p>In the library's package, to reach the package-private connection over a transport of its own; the shaded
 * benchmarks jar puts both on one class loader. On a socket, NIO.2's own path (system calls, epoll registration,
 * its completion dispatch) adds the same cost to every server.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class ConnectionPipelineBenchmark {

    private static final int CONNECTIONS = 64;
    private static final int READ_MAX = 64 * 1024;

    /** Message size in bytes. */
    @Param({"64", "1024"})
    public int size;

    /** Which server: {@code handler}, {@code callbacks} or {@code composed}. */
    @Param({"handler", "callbacks", "composed"})
    public String server;

    private final ArrayDeque<Runnable> ready = new ArrayDeque<>();
    private long echoed;

    /** Starts the connections and lets each peer send its first message. */
    @Setup
    public void setup() {
        Pool pool = new Pool();
        Peer[] peers = new Peer[CONNECTIONS];
        for (int i = 0; i < CONNECTIONS; i++) {
            Peer p = peers[i] = new Peer();
            switch (server) {
                case "handler":
                    new HandlerEcho(p).read();
                    break;
                case "callbacks":
                    new CallbackEcho(connection(p), pool).next();
                    break;
                case "composed":
                    composedEcho(connection(p), pool);
                    break;
                default:
                    throw new IllegalArgumentException("unknown server: " + server);
            }
        }
        for (Peer p : peers) {
            p.send(size);
        }
    }

    /**
     * Runs the next read completion, and with it the echo of one message.
     *
     * @return messages echoed so far
     */
    @Benchmark
    public long echoOne() {
        Runnable r = ready.poll();
        if (r == null) {
            throw new IllegalStateException("no read is ready: the echo stalled after " + echoed + " messages");
        }
        r.run();
        return echoed;
    }

    private static StreamConnection connection(Peer p) {
        StreamConnection c = new StreamConnection(p, ConnectionOptions.defaults(), AsyncTimer.shared());
        c.start();
        return c;
    }

    private static void composedEcho(StreamConnection conn, Pool pool) {
        IntFunction<ByteBuffer> take = pool::take;
        Async.whileTrue(() -> conn.read(READ_MAX, take).thenCompose(data -> data.hasRemaining()
                ? conn.write(data).thenApply(written -> pool.give(data))
                : AsyncFuture.completed(false)));
    }

    /** Two completion handlers straight on the transport, as the hand-written NIO.2 echo: read, write back, repeat. */
    private static final class HandlerEcho {
        private final Peer peer;
        private final ByteBuffer buf = ByteBuffer.allocateDirect(READ_MAX);

        private final CompletionHandler<Integer, Void> onRead = new CompletionHandler<>() {
            @Override
            public void completed(Integer n, Void unused) {
                buf.flip();
                peer.write(buf, null, onWrite);
            }

            @Override
            public void failed(Throwable e, Void unused) {
                throw new IllegalStateException(e);
            }
        };

        private final CompletionHandler<Integer, Void> onWrite = new CompletionHandler<>() {
            @Override
            public void completed(Integer n, Void unused) {
                read();
            }

            @Override
            public void failed(Throwable e, Void unused) {
                throw new IllegalStateException(e);
            }
        };

        HandlerEcho(Peer peer) {
            this.peer = peer;
        }

        void read() {
            buf.clear();
            peer.read(buf, null, onRead);
        }
    }

    /** Read, write back, repeat, with one {@code whenComplete} per operation. */
    private static final class CallbackEcho {
        private final StreamConnection conn;
        private final Pool pool;
        private final IntFunction<ByteBuffer> take;

        CallbackEcho(StreamConnection conn, Pool pool) {
            this.conn = conn;
            this.pool = pool;
            this.take = pool::take;
        }

        void next() {
            conn.read(READ_MAX, take).whenComplete((data, e) -> {
                if (e == null && data.hasRemaining()) {
                    conn.write(data).whenComplete((v, e2) -> {
                        pool.give(data);
                        if (e2 == null) {
                            next();
                        }
                    });
                }
            });
        }
    }

    /** Direct buffers taken by reads and given back once written, as the load benchmark's pooled echo does. */
    private static final class Pool {
        private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();

        ByteBuffer take(int sizeHint) {
            ByteBuffer b = free.pollFirst();
            return b != null ? b.clear() : ByteBuffer.allocateDirect(READ_MAX);
        }

        boolean give(ByteBuffer b) {
            if (free.size() < CONNECTIONS) {
                free.addFirst(b);
            }
            return true;
        }
    }

    /**
     * A transport whose far end echoes: bytes written come back as the next read's. A read with bytes waiting
     * completes later, from the benchmark's queue (as NIO.2 completes a read from epoll); a write completes at once,
     * on the writing thread (as NIO.2 completes a write that fits the socket buffer on its own I/O thread).
     */
    private final class Peer implements ByteTransport, Runnable {
        private ByteBuffer readDst;
        private Object readAttachment;
        private CompletionHandler<Integer, Object> readHandler;
        private int inbound;

        @Override
        @SuppressWarnings("unchecked")
        public <A> void read(ByteBuffer dst, A attachment, CompletionHandler<Integer, ? super A> handler) {
            readDst = dst;
            readAttachment = attachment;
            readHandler = (CompletionHandler<Integer, Object>) handler;
            if (inbound > 0) {
                ready.add(this);
            }
        }

        /** Completes the pending read with the bytes waiting. */
        @Override
        public void run() {
            ByteBuffer dst = readDst;
            int n = Math.min(inbound, dst.remaining());
            dst.position(dst.position() + n); // the bytes' values do not matter here
            inbound -= n;
            CompletionHandler<Integer, Object> h = readHandler;
            Object a = readAttachment;
            readDst = null;
            readHandler = null;
            readAttachment = null;
            h.completed(n, a);
        }

        void send(int n) {
            inbound += n;
            if (readDst != null) {
                ready.add(this);
            }
        }

        @Override
        public <A> void write(ByteBuffer src, A attachment, CompletionHandler<Integer, ? super A> handler) {
            int n = src.remaining();
            src.position(src.limit());
            echoed++;
            send(n);
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
            echoed++;
            send((int) n);
            handler.completed(n, attachment);
        }

        @Override
        public void shutdownOutput() {
        }

        @Override
        public void close() {
        }

        @Override
        public InetSocketAddress localAddress() {
            return null;
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return null;
        }

        @Override
        public <T> T getOption(SocketOption<T> option) {
            return null;
        }

        @Override
        public <T> void setOption(SocketOption<T> option, T value) {
        }
    }
}
