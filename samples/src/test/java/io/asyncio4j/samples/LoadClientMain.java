package io.asyncio4j.samples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.fail;

/**
 * The client side of {@link ManyConnectionsLoadTest}, run in a JVM of its own so that each process holds one
 * descriptor per connection instead of two: one {@link SelectorClient} thread opens every connection to a server
 * on {@code 127.0.0.1}, does two round trips on each, half-closes each and checks the server then ends every
 * stream with no more bytes.
 *
 * <p>Usage: {@code LoadClientMain PORT CONNECTIONS echo|http SEED}. The connections are opened in batches; each
 * batch does its first round trip before the next batch starts, so the listen backlog never overflows. Once all
 * are open and answered once, the client prints {@value #OPEN} followed by the count, and waits for a line (or
 * the end of input) on standard input before the second round trip, which then runs on every connection at once:
 * the parent test counts the server's connections meanwhile. Run by hand, press Enter there, or give it
 * {@code </dev/null}.
 *
 * <p>Prints one last line and exits: {@code ok connections=N mode=M seed=S ...} with status 0, or a line
 * starting with {@value #FAILED} (the seed and what failed, then the stack trace) with status 1; status 2 for
 * bad arguments.
 */
public final class LoadClientMain {

    /** The most connects in flight at once: well under the listen backlog (1024 by default). */
    public static final int BATCH = 500;
    /** How long the whole run may take, from start to the last stream ended; each wait fails past it. */
    public static final Duration DEADLINE = Duration.ofSeconds(60);
    /** The start of the line printed once every connection is open and answered once. */
    public static final String OPEN = "open connections=";
    /** The start of the line printed when the run failed. */
    public static final String FAILED = "FAILED";
    /** The body of {@code /small.txt} the HTTP mode expects in its second round: the test serves this file. */
    public static final byte[] SMALL_FILE = "a small file\n".getBytes(StandardCharsets.US_ASCII);

    private LoadClientMain() {
    }

    /** What the client sends on each connection and how it checks the answers. */
    public enum Mode {
        /** The echo server: a unique message of random bytes per connection and round, echoed byte for byte. */
        ECHO {
            @Override
            byte[] request(int id, int round, Random random) {
                return message(id, round, random);
            }

            @Override
            Predicate<byte[]> complete(byte[] request) {
                return got -> got.length >= request.length;
            }

            @Override
            void check(SelectorClient.Conn c, int round, byte[] request, long seed) {
                if (!Arrays.equals(c.received(), request)) {
                    fail("seed " + seed + ": round " + round + ", connection " + c.id + " got back "
                            + new String(c.received(), StandardCharsets.ISO_8859_1) + " for "
                            + new String(request, StandardCharsets.ISO_8859_1));
                }
            }
        },
        /**
         * The static file server: {@code GET /plaintext} in the first round, {@code GET /small.txt} (the test's
         * {@link #SMALL_FILE}) in the second, on the same kept-alive connection; each answer must be exactly one
         * 200 response with that body.
         */
        HTTP {
            private final String[] targets = {"/plaintext", "/small.txt"};
            private final byte[][] bodies = {"Hello, World!".getBytes(StandardCharsets.US_ASCII), SMALL_FILE};

            @Override
            byte[] request(int id, int round, Random random) {
                return ("GET " + targets[round - 1] + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII);
            }

            @Override
            Predicate<byte[]> complete(byte[] request) {
                return HttpResponses::complete;
            }

            @Override
            void check(SelectorClient.Conn c, int round, byte[] request, long seed) {
                HttpResponses.assertOk(c.received(), bodies[round - 1], "seed " + seed + ": connection " + c.id
                        + ", GET " + targets[round - 1]);
            }
        };

        /** @return the request of connection {@code id} in {@code round} (1 or 2) */
        abstract byte[] request(int id, int round, Random random);

        /** @return when the bytes received in answer to {@code request} are the whole answer */
        abstract Predicate<byte[]> complete(byte[] request);

        /** Fails unless what {@code c} received is exactly the answer to {@code request}. */
        abstract void check(SelectorClient.Conn c, int round, byte[] request, long seed);

        /** @return the mode's name on the command line */
        public String argument() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Runs the client as the class comment describes and exits the JVM with its status.
     *
     * @param args {@code PORT CONNECTIONS echo|http SEED}
     */
    public static void main(String[] args) {
        int port;
        int connections;
        Mode mode;
        long seed;
        try {
            if (args.length != 4) {
                throw new IllegalArgumentException("expected 4 arguments, got " + args.length);
            }
            port = Integer.parseInt(args[0]);
            connections = Integer.parseInt(args[1]);
            mode = Mode.valueOf(args[2].toUpperCase(Locale.ROOT));
            seed = Long.parseLong(args[3]);
        } catch (IllegalArgumentException e) {
            System.out.println(FAILED + ": " + e.getMessage() + "; usage: LoadClientMain PORT CONNECTIONS"
                    + " echo|http SEED");
            System.out.flush();
            System.exit(2);
            return;
        }
        int status;
        try {
            BufferedReader control = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
            System.out.println(run(port, connections, mode, seed, control, System.out));
            status = 0;
        } catch (Throwable e) {
            System.out.println(FAILED + " seed=" + seed + " mode=" + mode.argument() + ": " + e);
            e.printStackTrace(System.out);
            status = 1;
        }
        System.out.flush();
        System.exit(status);
    }

    /**
     * Opens {@code connections} connections to {@code 127.0.0.1:port}, at most {@link #batchSize()} connects in
     * flight at once: each batch must be connected and must have completed its first round trip before the next
     * one starts. The server reads a connection only once it has accepted it, so an answer on every connection
     * of a batch proves the whole batch left the accept queue: the queue never holds more than one batch, and the
     * backlog cannot overflow (which would not fail the test but stall connects for a SYN retransmission, a
     * second or more). This needs nothing from the server's process, unlike counting its accepts.
     *
     * <p>Then prints {@link #OPEN} and the count to {@code out}, reads a line from {@code control}, sends the
     * second round on every connection at once, half-closes them all, and checks each stream ends with no more
     * bytes.
     *
     * @param port        the server's port
     * @param connections how many connections to hold open at once
     * @param mode        what to send
     * @param seed        the seed of the random messages
     * @param control     read once before the second round; its end counts as a line
     * @param out         where the {@link #OPEN} line goes
     * @return the line that reports success
     * @throws IOException    on a client socket failure
     * @throws AssertionError on a wrong answer, a connection failure or the {@link #DEADLINE}
     */
    static String run(int port, int connections, Mode mode, long seed, BufferedReader control, PrintStream out)
            throws IOException {
        long start = System.nanoTime();
        long end = start + DEADLINE.toNanos();
        int batch = batchSize();
        Random random = new Random(seed);
        byte[][] sent = new byte[connections][];
        try (SelectorClient client = new SelectorClient(new InetSocketAddress("127.0.0.1", port))) {
            List<SelectorClient.Conn> conns = new ArrayList<>(connections);
            while (conns.size() < connections) {
                List<SelectorClient.Conn> wave = new ArrayList<>(batch);
                for (int i = 0; i < batch && conns.size() < connections; i++) {
                    SelectorClient.Conn c = client.open(conns.size());
                    wave.add(c);
                    conns.add(c);
                }
                client.awaitAll(wave, c -> c.connected, end, "connected");
                roundTrip(client, wave, 1, mode, random, sent, seed, end);
            }
            long opened = System.nanoTime();
            out.println(OPEN + connections);
            out.flush();
            control.readLine();
            long resumed = System.nanoTime();
            roundTrip(client, conns, 2, mode, random, sent, seed, end);
            for (SelectorClient.Conn c : conns) {
                client.shutdownOutput(c);
            }
            client.awaitAll(conns, c -> c.eof, end, "ended by the server");
            for (SelectorClient.Conn c : conns) {
                if (c.received().length != 0) {
                    fail("seed " + seed + ": " + c.received().length + " bytes after the last answer on connection "
                            + c.id + ": " + new String(c.received(), StandardCharsets.ISO_8859_1));
                }
                client.close(c, false);
            }
            long done = System.nanoTime();
            return String.format(Locale.ROOT, "ok connections=%d mode=%s seed=%d batch=%d open_and_round1_ms=%d"
                            + " round2_and_close_ms=%d", connections, mode.argument(), seed, batch,
                    TimeUnit.NANOSECONDS.toMillis(opened - start), TimeUnit.NANOSECONDS.toMillis(done - resumed));
        }
    }

    /** Sends round {@code round} on every one of {@code conns}, awaits every answer and checks each. */
    private static void roundTrip(SelectorClient client, List<SelectorClient.Conn> conns, int round, Mode mode,
                                  Random random, byte[][] sent, long seed, long end) throws IOException {
        for (SelectorClient.Conn c : conns) {
            byte[] request = mode.request(c.id, round, random);
            sent[c.id] = request;
            client.send(c, request, mode.complete(request));
        }
        client.awaitAll(conns, c -> c.responded, end, "answered in round " + round);
        for (SelectorClient.Conn c : conns) {
            mode.check(c, round, sent[c.id], seed);
        }
    }

    /**
     * Returns the connects to keep in flight: {@link #BATCH}, or half the kernel's cap on listen backlogs
     * ({@code net.core.somaxconn}) where that is lower, so a batch always fits in the accept queue.
     *
     * @return the batch size, at least 1
     */
    static int batchSize() {
        try {
            // Not Files.readString: on JDK 17 it gives only the first byte of a /proc file (whose size reads as 0).
            int max = Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/core/somaxconn")).get(0).trim());
            return Math.max(1, Math.min(BATCH, max / 2));
        } catch (IOException | RuntimeException e) {
            return BATCH;
        }
    }

    /**
     * A message unique to the connection and round, with random bytes of every value, 16 to 300 bytes long.
     *
     * @param id     the connection
     * @param round  the round
     * @param random the source of the random bytes
     * @return the message
     */
    static byte[] message(int id, int round, Random random) {
        byte[] head = ("conn " + id + " round " + round + ":").getBytes(StandardCharsets.US_ASCII);
        byte[] m = Arrays.copyOf(head, head.length + random.nextInt(285));
        for (int i = head.length; i < m.length; i++) {
            m[i] = (byte) random.nextInt(256);
        }
        return m;
    }
}
