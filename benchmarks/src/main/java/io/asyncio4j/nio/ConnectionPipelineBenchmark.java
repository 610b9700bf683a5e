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

import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * What one echoed message costs in the library's own code, without the kernel: 64 connections over the in-memory
 * transport of the adapter's tests, each a loopback whose writes come back as its next read, driven by one thread
 * popping read completions off a queue as an I/O thread pops them off epoll (a write completes at once, on the
 * writing thread). Each operation is one message: a read completes, the server writes the bytes back, the write
 * completes and the next read is issued.
 *
 * <ul>
 *   <li>{@code handler}: two NIO.2-style {@code CompletionHandler}s per connection straight on the transport, as the
 *       benchmarks' hand-written NIO.2 echo: the floor.</li>
 *   <li>{@code callbacks}: the library's connection with a read and a write and one {@code whenComplete} each.</li>
 *   <li>{@code composed}: the pooled echo server of the load benchmark ({@code Async.whileTrue} over
 *       {@code read(max, allocator).thenCompose(write.thenApply)}).</li>
 * </ul>
 *
 * <p>In the library's package, to reach the package-private connection and the transport (from the adapter's
 * test-jar); the shaded benchmarks jar puts them on one class loader. On a socket, NIO.2's own path (system calls,
 * epoll registration, its completion dispatch) adds the same cost to every server.
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
    /** What a loopback transport buffers: far more than one message, so a write always completes at once. */
    private static final int TRANSPORT_BUFFER = 64 * 1024;

    /** The first message's write, written whole at once: nothing to do when it completes. */
    private static final CompletionHandler<Integer, Void> FIRST_MESSAGE = new CompletionHandler<>() {
        @Override
        public void completed(Integer n, Void unused) {
        }

        @Override
        public void failed(Throwable e, Void unused) {
            throw new IllegalStateException(e);
        }
    };

    /** Message size in bytes. */
    @Param({"64", "1024"})
    public int size;

    /** Which server: {@code handler}, {@code callbacks} or {@code composed}. */
    @Param({"handler", "callbacks", "composed"})
    public String server;

    private final ArrayDeque<Runnable> ready = new ArrayDeque<>();
    private long echoed;

    /** Starts the connections and sends each its first message. */
    @Setup
    public void setup() {
        Pool pool = new Pool();
        MemoryTransport[] transports = new MemoryTransport[CONNECTIONS];
        for (int i = 0; i < CONNECTIONS; i++) {
            MemoryTransport t = transports[i] = MemoryTransport.loopback(TRANSPORT_BUFFER, ready::add, false);
            switch (server) {
                case "handler":
                    new HandlerEcho(t).read();
                    break;
                case "callbacks":
                    new CallbackEcho(connection(t), pool).next();
                    break;
                case "composed":
                    composedEcho(connection(t), pool);
                    break;
                default:
                    throw new IllegalArgumentException("unknown server: " + server);
            }
        }
        for (MemoryTransport t : transports) {
            t.write(ByteBuffer.allocate(size), null, FIRST_MESSAGE);
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
        return ++echoed;
    }

    private static StreamConnection connection(MemoryTransport t) {
        StreamConnection c = new StreamConnection(t, ConnectionOptions.defaults(), AsyncTimer.shared());
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
        private final MemoryTransport peer;
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

        HandlerEcho(MemoryTransport peer) {
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
}
