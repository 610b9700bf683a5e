package io.asyncio4j.benchmarks;

import javax.net.ssl.SSLContext;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * New TLS connections per second against one echo server, from one thread over a {@link Selector}: PARALLEL
 * connections at a time, each of which connects, completes a full handshake (the JDK's {@code SSLEngine},
 * {@link TlsClientChannel}; never a resumed session), echoes one {@value #MESSAGE}-byte message, sends close_notify
 * and its FIN, and waits for the server to close, whereupon the next connection takes its place.
 *
 * <p>{@code HandshakeLoad PORT PARALLEL WARMUP_SECONDS SECONDS [SERVER_PID] --cacert CERT.pem [--tls-protocol P]
 * [--tls-cipher S]} ({@link TlsSettings}) prints one line: {@code handshakes_per_s=… p50_us=… p99_us=…
 * handshakes=… failures=…}, counting the connections that ended within the measured period; the percentiles are
 * of a connection's whole life, connect to the server's close. Given the server's process id, it adds
 * {@code server_user_ticks=… server_sys_ticks=…} as {@link EchoLoad} does, and {@code load_cpu_pct=…} comes last,
 * as there. A connection that fails is counted, closed and replaced.
 */
public final class HandshakeLoad {

    /** The echoed message's size: a small request after the handshake. */
    static final int MESSAGE = 64;

    private HandshakeLoad() {
    }

    /**
     * Runs the load.
     *
     * @param args port, parallel connections, warm-up seconds, measured seconds, optionally the server's process
     *             id; then the TLS flags, {@code --cacert} among them
     * @throws IOException              if the selector cannot be opened
     * @throws GeneralSecurityException if the certificate to trust cannot be used
     */
    public static void main(String[] args) throws IOException, GeneralSecurityException {
        List<String> positional = new ArrayList<>(List.of(args));
        TlsSettings tls = TlsSettings.takeFrom(positional);
        if (!tls.connects() || positional.size() < 4) {
            throw new IllegalArgumentException(
                    "usage: HandshakeLoad PORT PARALLEL WARMUP_SECONDS SECONDS [SERVER_PID] --cacert CERT.pem");
        }
        InetSocketAddress server = new InetSocketAddress("127.0.0.1", Integer.parseInt(positional.get(0)));
        int parallel = Integer.parseInt(positional.get(1));
        long warmupNanos = (long) (Double.parseDouble(positional.get(2)) * 1e9);
        long measureNanos = (long) (Double.parseDouble(positional.get(3)) * 1e9);
        Path serverStat = positional.size() > 4 ? Path.of("/proc", positional.get(4), "stat") : null;

        Selector selector = Selector.open();
        SSLContext context = tls.clientContext();
        long start = System.nanoTime();
        long measureFrom = start + warmupNanos;
        long end = measureFrom + measureNanos;
        long[] latencies = new long[1 << 20];
        int samples = 0;
        long handshakes = 0;
        long failures = 0;
        long[] cpuFrom = null;
        long loadCpuFrom = -1;
        for (int i = 0; i < parallel; i++) {
            Cycle cycle = new Cycle(selector, server, tls, context);
            failures += cycle.startOrFail(start);
        }
        while (true) {
            long now = System.nanoTime();
            if (now >= end) {
                break;
            }
            if (loadCpuFrom < 0 && now >= measureFrom) {
                loadCpuFrom = EchoLoad.ownCpuNanos();
                if (serverStat != null) {
                    cpuFrom = EchoLoad.cpuTicks(serverStat);
                }
            }
            selector.select(Math.max(1, (end - now) / 1_000_000));
            Iterator<SelectionKey> it = selector.selectedKeys().iterator();
            while (it.hasNext()) {
                SelectionKey key = it.next();
                it.remove();
                Cycle cycle = (Cycle) key.attachment();
                long t;
                try {
                    if (!cycle.advance()) {
                        continue;
                    }
                    t = System.nanoTime();
                    if (t >= measureFrom && t < end) {
                        handshakes++;
                        if (samples < latencies.length) {
                            latencies[samples++] = t - cycle.startedAt;
                        }
                    }
                } catch (IOException e) {
                    t = System.nanoTime();
                    failures += cycle.fail(e, t >= measureFrom && t < end);
                }
                failures += cycle.startOrFail(t);
            }
        }
        long[] cpuTo = serverStat != null ? EchoLoad.cpuTicks(serverStat) : null;
        double loadCpuPercent = loadCpuFrom < 0 ? Double.NaN
                : (EchoLoad.ownCpuNanos() - loadCpuFrom) * 100.0 / measureNanos;
        Arrays.sort(latencies, 0, samples);
        String cpu = cpuFrom == null ? "" : String.format(" server_user_ticks=%d server_sys_ticks=%d",
                cpuTo[0] - cpuFrom[0], cpuTo[1] - cpuFrom[1]);
        System.out.printf("handshakes_per_s=%.0f p50_us=%.1f p99_us=%.1f handshakes=%d failures=%d%s"
                        + " load_cpu_pct=%.0f%n",
                handshakes / (measureNanos / 1e9), EchoLoad.percentile(latencies, samples, 0.50) / 1e3,
                EchoLoad.percentile(latencies, samples, 0.99) / 1e3, handshakes, failures, cpu, loadCpuPercent);
    }

    /** One parallel slot: a connection's life from connect to the server's close, then the next one's. */
    private static final class Cycle {
        private static final int CONNECTING = 0;
        private static final int HANDSHAKING = 1;
        private static final int WRITING = 2;
        private static final int READING = 3;
        private static final int CLOSING = 4;
        private static final int DRAINING = 5;

        final Selector selector;
        final InetSocketAddress server;
        final TlsSettings tls;
        final SSLContext context;
        final ByteBuffer out = ByteBuffer.allocate(MESSAGE);
        final ByteBuffer in = ByteBuffer.allocate(MESSAGE);
        SocketChannel socket;
        TlsClientChannel ch;
        SelectionKey key;
        int state;
        long startedAt;
        boolean reportedFailure;

        Cycle(Selector selector, InetSocketAddress server, TlsSettings tls, SSLContext context) {
            this.selector = selector;
            this.server = server;
            this.tls = tls;
            this.context = context;
            for (int i = 0; i < MESSAGE; i++) {
                out.put((byte) i);
            }
        }

        /** Starts the next connection; returns the failures counted on the way (0 or 1). */
        int startOrFail(long now) {
            try {
                startedAt = now;
                ch = null;
                state = CONNECTING;
                socket = SocketChannel.open();
                socket.configureBlocking(false);
                socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
                key = socket.register(selector, SelectionKey.OP_CONNECT, this);
                if (socket.connect(server)) {
                    advance();
                }
                return 0;
            } catch (IOException e) {
                // Counted and given up for this slot, which would otherwise fail again at once and forever.
                fail(e, true);
                return 1;
            }
        }

        /**
         * Moves the connection on as far as its socket allows.
         *
         * @return true once the server has closed it
         */
        boolean advance() throws IOException {
            switch (state) {
                case CONNECTING:
                    if (!socket.finishConnect()) {
                        return false;
                    }
                    ch = new TlsClientChannel(socket, tls.clientEngine(context));
                    state = HANDSHAKING;
                    // fall through
                case HANDSHAKING:
                    if (!ch.handshake()) {
                        return await(ch.wantsWrite() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
                    }
                    out.rewind();
                    in.clear();
                    state = WRITING;
                    // fall through
                case WRITING:
                    ch.write(out);
                    if (out.hasRemaining()) {
                        return await(SelectionKey.OP_WRITE);
                    }
                    state = READING;
                    // fall through
                case READING:
                    if (ch.read(in) < 0) {
                        throw new EOFException("the server closed the connection before echoing");
                    }
                    if (in.hasRemaining()) {
                        return await(SelectionKey.OP_READ);
                    }
                    ch.closeOutbound();
                    state = CLOSING;
                    // fall through
                case CLOSING:
                    if (!ch.flush()) {
                        return await(SelectionKey.OP_WRITE);
                    }
                    socket.shutdownOutput();
                    state = DRAINING;
                    // fall through
                case DRAINING:
                    in.clear();
                    if (ch.read(in) >= 0) {
                        return await(SelectionKey.OP_READ);
                    }
                    socket.close();
                    return true;
                default:
                    throw new IllegalStateException("state " + state);
            }
        }

        private boolean await(int ops) {
            key.interestOps(ops);
            return false;
        }

        /** Closes the failed connection; returns 1 if it counts as a failure of the measured period. */
        int fail(IOException e, boolean counted) {
            if (!reportedFailure) {
                reportedFailure = true;
                System.err.println("a connection failed: " + e);
            }
            try {
                socket.close();
            } catch (IOException ignored) {
                // already broken: nothing more to release
            }
            return counted ? 1 : 0;
        }
    }
}
