package io.asyncio4j.samples.chat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.asyncio4j.Connection;
import io.asyncio4j.nio.EventLoop;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the {@link ChatServer}'s line handling over real loopback connections: three clients join one running
 * chat, send fuzzer-chosen bytes (any byte, overlong lines, bare CRs, LF or CRLF ends) and each then reads what
 * it was sent. A reference model splits each client's bytes into lines as the server documents: a CR before the
 * LF is stripped, empty lines are dropped, a line over {@link ChatServer#MAX_LINE_BYTES} earns its sender one
 * notice and reaches nobody, any other line reaches every other client, in order, as {@code NAME: line}. The
 * server keeps serving: the next input joins the same server. Replays {@code ChatFuzzTestInputs/} in every build.
 *
 * <p>Input layout, record after record: a header byte (client = header mod 3; bit 2: end with CRLF, else LF;
 * bit 3: pad the line with {@code x} to 1016 + (bits 4-7) bytes; bits 4-7 also
 * set the payload length, 0-15, when bit 3 is off), then the payload bytes, which may hold LFs of their own. Each
 * client's stream then ends with {@code \n~end\n}.
 */
class ChatFuzzTest {

    private static final EventLoop LOOP = EventLoop.defaultLoop();
    private static final long WAIT_SECONDS = 10;
    private static final int CLIENTS = 3;
    private static final int MAX_RECORDS = 32;
    private static final String TOO_LONG = "* line too long (limit " + ChatServer.MAX_LINE_BYTES + " bytes), not sent";
    private static final String SELF = "notices to the sender";

    private static ChatServer chat;

    @BeforeAll
    static void start() {
        chat = ChatServer.start(LOOP, "127.0.0.1", 0, new PrintStream(OutputStream.nullOutputStream()));
    }

    @AfterAll
    static void stop() {
        chat.server().close();
        chat.closeClients();
    }

    @FuzzTest(maxDuration = "3m")
    void everyLineReachesEveryOtherClientInOrder(byte[] input) throws Exception {
        List<List<byte[]>> writes = script(input);
        Connection[] clients = new Connection[CLIENTS];
        String[] names = new String[CLIENTS];
        try {
            for (int i = 0; i < CLIENTS; i++) {
                clients[i] = await(LOOP.connect("127.0.0.1", chat.server().port()));
                names[i] = "127.0.0.1:" + ((InetSocketAddress) clients[i].localAddress()).getPort();
                // Read before anyone sends: the welcome is written once the client is in the room.
                assertThat(nextLine(clients[i])).startsWith("* welcome " + names[i] + " (");
            }
            // Every record goes out in script order, each client's writes in its own order.
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            int longest = writes.stream().mapToInt(List::size).max().orElse(0);
            for (int k = 0; k < longest; k++) {
                for (int i = 0; i < CLIENTS; i++) {
                    if (k < writes.get(i).size()) {
                        sent.add(clients[i].write(writes.get(i).get(k)));
                    }
                }
            }
            for (CompletableFuture<Void> w : sent) {
                await(w);
            }

            List<Map<String, List<String>>> expected = model(writes, names);
            for (int r = 0; r < CLIENTS; r++) {
                Map<String, List<String>> got = receive(clients[r], names, r, expected.get(r));
                assertThat(got).as("what client %d got, by source", r).isEqualTo(expected.get(r));
            }
        } finally {
            for (Connection c : clients) {
                if (c != null) {
                    c.abort();
                }
            }
        }
    }

    /** Each client's writes: its records, then {@code \n~end\n}. */
    private static List<List<byte[]>> script(byte[] input) {
        List<List<byte[]>> writes = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            writes.add(new ArrayList<>());
        }
        int pos = 0;
        for (int n = 0; n < MAX_RECORDS && pos < input.length; n++) {
            int header = input[pos++] & 0xff;
            int size = header >>> 4;
            byte[] payload = Arrays.copyOfRange(input, pos, Math.min(input.length, pos + size));
            pos += payload.length;
            ByteArrayOutputStream record = new ByteArrayOutputStream();
            record.writeBytes(payload);
            if ((header & 8) != 0) {
                record.writeBytes("x".repeat(Math.max(0, 1016 + size - payload.length)).getBytes(ISO_8859_1));
            }
            record.writeBytes((header & 4) != 0 ? new byte[] {'\r', '\n'} : new byte[] {'\n'});
            writes.get(header % CLIENTS).add(record.toByteArray());
        }
        for (List<byte[]> w : writes) {
            w.add("\n~end\n".getBytes(ISO_8859_1));
        }
        return writes;
    }

    /** For each receiver: by source (a sender's name, or {@link #SELF}), the lines it is to get, in order. */
    private static List<Map<String, List<String>>> model(List<List<byte[]>> writes, String[] names) {
        List<Map<String, List<String>>> expected = new ArrayList<>();
        for (int r = 0; r < CLIENTS; r++) {
            expected.add(new HashMap<>());
        }
        for (int s = 0; s < CLIENTS; s++) {
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            writes.get(s).forEach(stream::writeBytes);
            String all = stream.toString(ISO_8859_1);
            for (int start = 0, lf; (lf = all.indexOf('\n', start)) >= 0; start = lf + 1) {
                String line = all.substring(start, lf > start && all.charAt(lf - 1) == '\r' ? lf - 1 : lf);
                if (line.length() > ChatServer.MAX_LINE_BYTES) {
                    expected.get(s).computeIfAbsent(SELF, k -> new ArrayList<>()).add(TOO_LONG);
                } else if (!line.isEmpty()) {
                    for (int r = 0; r < CLIENTS; r++) {
                        if (r != s) {
                            expected.get(r).computeIfAbsent(names[s], k -> new ArrayList<>()).add(line);
                        }
                    }
                }
            }
        }
        return expected;
    }

    /**
     * Reads until {@code client} got as many lines from each source as expected (failing after a bounded wait if
     * some never come); joins and leaves, also of other inputs' clients, are skipped.
     */
    private static Map<String, List<String>> receive(Connection client, String[] names, int self,
                                                     Map<String, List<String>> expected) throws Exception {
        int total = expected.values().stream().mapToInt(List::size).sum();
        Map<String, List<String>> got = new HashMap<>();
        for (int n = 0; n < total; ) {
            String line = nextLine(client);
            if (line.startsWith("* ") && (line.endsWith(" joined") || line.endsWith(" left"))) {
                continue;
            }
            String source = null;
            String text = line;
            if (line.equals(TOO_LONG)) {
                source = SELF;
            } else {
                for (int s = 0; s < CLIENTS; s++) {
                    if (s != self && line.startsWith(names[s] + ": ")) {
                        source = names[s];
                        text = line.substring(names[s].length() + 2);
                    }
                }
            }
            assertThat(source).as("the source of %s", line).isNotNull();
            got.computeIfAbsent(source, k -> new ArrayList<>()).add(text);
            n++;
        }
        return got;
    }

    /** The next line the server sent, its CRLF stripped; ISO-8859-1 so that every byte is kept. */
    private static String nextLine(Connection c) throws Exception {
        String line = await(c.readLine(4096, ISO_8859_1));
        assertThat(line).as("the server closed the connection").isNotNull();
        return line;
    }

    private static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }
}
