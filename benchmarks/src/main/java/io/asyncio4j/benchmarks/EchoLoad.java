package io.asyncio4j.benchmarks;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Closed-loop echo load from one thread over a {@link Selector}: each connection sends a message, waits for all
 * of it to come back, and sends the next. The same driver measures every server.
 *
 * <p>{@code EchoLoad PORT CONNECTIONS SIZE WARMUP_SECONDS SECONDS [SERVER_PID]} prints one line:
 * {@code msgs_per_s=… mib_per_s=… p50_us=… p99_us=… messages=…}, counting only the measured period. Given the
 * server's process id (Linux), it adds {@code server_user_ticks=… server_sys_ticks=…}: the CPU time the server
 * spent in user and kernel mode over the measured period, from {@code /proc/PID/stat}, in clock ticks
 * ({@code getconf CLK_TCK}). Divided by the messages, that is the server's cost per message, split into its own
 * work and the kernel's. Last comes {@code load_cpu_pct=…}: the CPU time this driver used over the measured
 * period, as a percentage of that period; near 100 on a core of its own, the driver and not the server set the
 * pace. Connections are opened in batches of {@value #BATCH}, each batch echoing one byte per connection before
 * the next is opened, so a server's accept backlog never overflows and every connection is being served before
 * the load starts.
 *
 * <p>{@code EchoLoad idle PORT CONNECTIONS} opens the connections the same way, prints {@code connected N}, and
 * then holds them open, silent, until the process is killed: the idle-connection workload.
 *
 * <p>Either form followed by {@code --cacert CERT.pem} ({@link TlsSettings}) runs over TLS, with the JDK's
 * {@code SSLEngine} on the same selector thread ({@link TlsClientChannel}), trusting that certificate alone and
 * enabling the pinned protocol and cipher suite. Its connections are opened {@value #TLS_OPENERS} at a time, by as
 * many threads, each completing its handshake (a full one) and its one-byte echo before the next one starts.
 */
public final class EchoLoad {

    private static final int BATCH = 250;
    private static final int TLS_OPENERS = 8;

    private EchoLoad() {
    }

    /**
     * Runs the load.
     *
     * @param args port, connections, message size, warm-up seconds, measured seconds and optionally the server's
     *             process id; or {@code idle}, port, connections; then the TLS flags
     * @throws IOException if a connection fails
     * @throws GeneralSecurityException if the certificate to trust cannot be used
     * @throws InterruptedException if interrupted while holding idle connections
     */
    public static void main(String[] args) throws IOException, GeneralSecurityException, InterruptedException {
        List<String> positional = new ArrayList<>(List.of(args));
        TlsSettings tls = TlsSettings.takeFrom(positional);
        args = positional.toArray(new String[0]);
        if (args[0].equals("idle")) {
            List<SocketChannel> held = new ArrayList<>();
            for (ByteChannel ch : open(Integer.parseInt(args[1]), Integer.parseInt(args[2]), tls)) {
                held.add(socketOf(ch)); // the TLS engine's buffers may go: the server cannot tell
            }
            System.out.println("connected " + held.size());
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
            return;
        }
        int port = Integer.parseInt(args[0]);
        int connections = Integer.parseInt(args[1]);
        int size = Integer.parseInt(args[2]);
        long warmupNanos = (long) (Double.parseDouble(args[3]) * 1e9);
        long measureNanos = (long) (Double.parseDouble(args[4]) * 1e9);
        Path serverStat = args.length > 5 ? Path.of("/proc", args[5], "stat") : null;

        Selector selector = Selector.open();
        byte[] payload = new byte[size];
        for (int i = 0; i < size; i++) {
            payload[i] = (byte) i;
        }
        for (ByteChannel ch : open(port, connections, tls)) {
            SocketChannel socket = socketOf(ch);
            socket.configureBlocking(false);
            Lane lane = new Lane(ch, payload);
            lane.key = socket.register(selector, 0, lane);
            lane.send(System.nanoTime());
        }

        long start = System.nanoTime();
        long measureFrom = start + warmupNanos;
        long end = measureFrom + measureNanos;
        long[] latencies = new long[1 << 22];
        int samples = 0;
        long messages = 0;
        long[] cpuFrom = null;
        long loadCpuFrom = -1;
        while (true) {
            long now = System.nanoTime();
            if (now >= end) {
                break;
            }
            if (loadCpuFrom < 0 && now >= measureFrom) {
                loadCpuFrom = ownCpuNanos();
                if (serverStat != null) {
                    cpuFrom = cpuTicks(serverStat);
                }
            }
            selector.select(Math.max(1, (end - now) / 1_000_000));
            Iterator<SelectionKey> it = selector.selectedKeys().iterator();
            while (it.hasNext()) {
                SelectionKey key = it.next();
                it.remove();
                Lane lane = (Lane) key.attachment();
                long t = System.nanoTime();
                long rtt = lane.onReady(t);
                if (rtt >= 0 && t >= measureFrom && t < end) {
                    messages++;
                    if (samples < latencies.length) {
                        latencies[samples++] = rtt;
                    }
                }
            }
        }
        long[] cpuTo = serverStat != null ? cpuTicks(serverStat) : null;
        double loadCpuPercent = loadCpuFrom < 0 ? Double.NaN
                : (ownCpuNanos() - loadCpuFrom) * 100.0 / measureNanos;
        Arrays.sort(latencies, 0, samples);
        double seconds = measureNanos / 1e9;
        String cpu = cpuFrom == null ? "" : String.format(" server_user_ticks=%d server_sys_ticks=%d",
                cpuTo[0] - cpuFrom[0], cpuTo[1] - cpuFrom[1]);
        System.out.printf("msgs_per_s=%.0f mib_per_s=%.2f p50_us=%.1f p99_us=%.1f messages=%d%s load_cpu_pct=%.0f%n",
                messages / seconds, messages * (double) size / seconds / (1 << 20),
                percentile(latencies, samples, 0.50) / 1e3, percentile(latencies, samples, 0.99) / 1e3,
                messages, cpu, loadCpuPercent);
    }

    /** The CPU time this process has used, every thread's (the JIT's and the collector's too), in nanoseconds. */
    static long ownCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** A process's user and system CPU time so far, in clock ticks: fields 14 and 15 of {@code /proc/PID/stat}. */
    static long[] cpuTicks(Path stat) throws IOException {
        String line = Files.readString(stat);
        // Fields after the command name, which is in parentheses and may hold spaces: state is the first of them.
        String[] f = line.substring(line.lastIndexOf(')') + 2).split(" ");
        return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
    }

    /** Opens the connections, plaintext or TLS, each having echoed one byte; left blocking. */
    private static List<ByteChannel> open(int port, int connections, TlsSettings tls)
            throws IOException, GeneralSecurityException, InterruptedException {
        if (!tls.connects()) {
            return new ArrayList<>(open(port, connections));
        }
        SSLContext context = tls.clientContext();
        // A few handshakes at a time keep the server busy while each opener waits for its round trips.
        ExecutorService openers = Executors.newFixedThreadPool(TLS_OPENERS);
        try {
            List<Future<TlsClientChannel>> opening = new ArrayList<>(connections);
            for (int i = 0; i < connections; i++) {
                opening.add(openers.submit(() -> openTls(port, tls, context)));
            }
            List<ByteChannel> all = new ArrayList<>(connections);
            for (Future<TlsClientChannel> f : opening) {
                try {
                    all.add(f.get());
                } catch (ExecutionException e) {
                    throw new IOException("a TLS connection failed while opening", e.getCause());
                }
            }
            return all;
        } finally {
            openers.shutdownNow();
        }
    }

    /** Connects, completes the handshake and echoes one byte, blocking. */
    private static TlsClientChannel openTls(int port, TlsSettings tls, SSLContext context) throws IOException {
        SocketChannel socket = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
        socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
        TlsClientChannel ch = new TlsClientChannel(socket, tls.clientEngine(context));
        ch.handshake();
        ByteBuffer one = ByteBuffer.allocate(1).put((byte) 1).flip();
        ch.write(one);
        one.clear();
        while (one.hasRemaining()) {
            if (ch.read(one) < 0) {
                throw new IOException("server closed a connection while opening");
            }
        }
        return ch;
    }

    private static SocketChannel socketOf(ByteChannel ch) {
        return ch instanceof TlsClientChannel ? ((TlsClientChannel) ch).socket() : (SocketChannel) ch;
    }

    /** Opens connections in batches, each echoing one byte (blocking) before the next batch is opened. */
    private static List<SocketChannel> open(int port, int connections) throws IOException {
        List<SocketChannel> all = new ArrayList<>(connections);
        ByteBuffer one = ByteBuffer.allocate(1);
        for (int from = 0; from < connections; from += BATCH) {
            List<SocketChannel> batch = new ArrayList<>(BATCH);
            for (int i = from; i < Math.min(connections, from + BATCH); i++) {
                SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ch.write(one.clear().put((byte) 1).flip());
                batch.add(ch);
            }
            for (SocketChannel ch : batch) {
                one.clear();
                while (one.hasRemaining()) {
                    if (ch.read(one) < 0) {
                        throw new IOException("server closed a connection while opening");
                    }
                }
            }
            all.addAll(batch);
        }
        return all;
    }

    static double percentile(long[] sorted, int n, double p) {
        return n == 0 ? Double.NaN : sorted[Math.min(n - 1, (int) Math.ceil(p * n) - 1)];
    }

    /** One connection's state: writing the message, then reading it back. */
    private static final class Lane {
        final ByteChannel ch;
        final ByteBuffer out;
        final ByteBuffer in;
        SelectionKey key;
        long sentAt;

        Lane(ByteChannel ch, byte[] payload) {
            this.ch = ch;
            this.out = ByteBuffer.allocateDirect(payload.length);
            this.out.put(payload).flip();
            this.in = ByteBuffer.allocateDirect(payload.length);
        }

        void send(long now) throws IOException {
            sentAt = now;
            out.rewind();
            ch.write(out);
            key.interestOps(out.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        }

        /** Returns the round-trip time when a whole echo came back, else -1. */
        long onReady(long now) throws IOException {
            if (out.hasRemaining()) {
                ch.write(out);
                if (!out.hasRemaining()) {
                    key.interestOps(SelectionKey.OP_READ);
                }
                return -1;
            }
            if (ch.read(in) < 0) {
                throw new IOException("server closed the connection");
            }
            if (in.hasRemaining()) {
                return -1;
            }
            in.clear();
            long rtt = now - sentAt;
            send(now);
            return rtt;
        }
    }
}
