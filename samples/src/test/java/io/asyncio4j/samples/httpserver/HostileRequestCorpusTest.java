package io.asyncio4j.samples.httpserver;

import io.asyncio4j.nio.EventLoop;
import io.asyncio4j.samples.Baseline;
import io.asyncio4j.samples.http.HttpLimits;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs every entry of {@code http-corpus/hostile-requests.txt} (its format is described at its top) against one
 * running {@link StaticFileServer}, each on a fresh connection, then checks that the server still serves a
 * normal request on a fresh connection.
 */
class HostileRequestCorpusTest {

    static final String CORPUS = "/http-corpus/hostile-requests.txt";
    /** Sent after an entry whose last outcome keeps the connection open: it must still be answered. */
    static final String PROBE = "GET /plaintext HTTP/1.1\r\nHost: probe\r\nConnection: close\r\n\r\n";

    @TempDir
    static Path dir;
    static StaticFileServer server;
    /** Descriptors, threads and timer tasks once the server has served a request: the corpus must leave none. */
    static Baseline baseline;
    /** Every WARN or ERROR logged while the corpus runs: a failed connection handler logs one and aborts. */
    static final List<String> warnings = new CopyOnWriteArrayList<>();
    static final AppenderBase<ILoggingEvent> warningCollector = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            if (event.getLevel().isGreaterOrEqual(Level.WARN)) {
                warnings.add(event.getLoggerName() + ": " + event.getFormattedMessage());
            }
        }
    };

    @BeforeAll
    static void start() throws IOException, InterruptedException {
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.writeString(root.resolve("hello.txt"), "Hello, file!\n");
        Files.createDirectories(root.resolve("docs"));
        Files.writeString(root.resolve("docs/index.html"), "<p>docs</p>\n");
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "TOP SECRET\n");
        Files.createSymbolicLink(root.resolve("link-out"), outside);
        Files.createSymbolicLink(root.resolve("secret-link.txt"), outside.resolve("secret.txt"));
        Files.writeString(root.resolve(".env"), "TOP SECRET\n");
        Files.createDirectories(root.resolve(".git"));
        Files.writeString(root.resolve(".git/config"), "TOP SECRET\n");
        Files.writeString(root.resolve(".git/HEAD"), "TOP SECRET\n");
        // Small limits so that oversized cases stay small; short head timeouts so that stalled cases end fast.
        StaticFileServer.Settings settings = StaticFileServer.Settings.defaults()
                .withLimits(new HttpLimits(256, 1024, 10, 64, 1000))
                .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(5));
        server = StaticFileServer.start(EventLoop.defaultLoop(), "127.0.0.1", 0, root, settings);
        // Start what the server creates on first use (the loop's workers, two file-read threads), then count.
        Baseline.warmUp(EventLoop.defaultLoop(), Math.max(1, Runtime.getRuntime().availableProcessors()));
        normalGetIsServed();
        normalGetIsServed();
        baseline = Baseline.take(EventLoop.defaultLoop().timer());
        warningCollector.start();
        rootLogger().addAppender(warningCollector);
    }

    @AfterAll
    static void stop() {
        rootLogger().detachAppender(warningCollector);
        server.server().closeGracefully(Duration.ofSeconds(2)).join();
    }

    @TestFactory
    Stream<DynamicTest> everyHostileRequestGetsItsExpectedOutcome() throws IOException {
        List<Entry> corpus = Entry.load(CORPUS);
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(100);
        return Stream.concat(corpus.stream().map(e -> DynamicTest.dynamicTest(e.name, () -> run(e))), Stream.of(
                DynamicTest.dynamicTest("a stalled client does not hold up another",
                        HostileRequestCorpusTest::aStalledClientDoesNotHoldUpAnother),
                DynamicTest.dynamicTest("after the whole corpus, a normal GET is still served",
                        HostileRequestCorpusTest::normalGetIsServed),
                DynamicTest.dynamicTest("then descriptors, threads and timer tasks are back to where they were",
                        () -> baseline.awaitReturn(Duration.ofSeconds(20)))));
    }

    static void aStalledClientDoesNotHoldUpAnother() throws IOException {
        try (Socket stalled = connect()) {
            stalled.getOutputStream().write("GET /hello.txt HTTP/1.1\r\nHost: x\r\n".getBytes(ISO_8859_1));
            normalGetIsServed();
            assertThat(readAll(stalled.getInputStream())).startsWith("HTTP/1.1 408 ");
        }
    }

    static void normalGetIsServed() throws IOException {
        try (Socket s = connect()) {
            s.getOutputStream().write("GET /hello.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(ISO_8859_1));
            assertThat(readAll(s.getInputStream())).startsWith("HTTP/1.1 200 OK\r\n")
                    .endsWith("\r\n\r\nHello, file!\n");
        }
    }

    @Test
    void theCorpusFileIsWellFormed() throws IOException {
        List<Entry> corpus = Entry.load(CORPUS);
        Set<String> names = new HashSet<>();
        for (Entry e : corpus) {
            assertThat(names.add(e.name)).as("duplicate name %s", e.name).isTrue();
        }
        assertThat(Entry.unescape("a\\r\\n\\0\\t\\\\\\x7F\\{3*ab}")).isEqualTo("a\r\n\0\t\\\u007Fababab");
        assertThat(Entry.unescape("\\{2*x\\{2*y}}|\\x41")).isEqualTo("xyyxyy|A");
    }

    static Logger rootLogger() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    static Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", server.server().port());
        s.setSoTimeout(10_000);  // a safety net against a hang, never reached by a passing entry
        return s;
    }

    /**
     * Runs one entry, then checks nothing was logged at WARN: the server logs a failed handler before it closes
     * the connection, so by the time the client has seen the close the warning would be there.
     */
    static void run(Entry entry) throws IOException {
        warnings.clear();
        exchange(entry);
        assertThat(warnings).as("warnings logged while serving the entry").isEmpty();
    }

    static void exchange(Entry entry) throws IOException {
        try (Socket s = connect()) {
            s.getOutputStream().write(entry.request);
            s.getOutputStream().flush();
            if (entry.halfClose) {
                s.shutdownOutput();
            }
            InputStream in = s.getInputStream();
            for (Outcome expected : entry.outcomes) {
                if (expected.status == 0) {
                    assertThat(readAll(in)).as("a clean close without a response").isEmpty();
                    return;
                }
                Response response = Response.read(in);
                assertThat(response.statusLine).startsWith("HTTP/1.1 " + expected.status + " ");
                assertThat(response.body).doesNotContain("TOP SECRET");
                assertThat(response.closes()).as("Connection: close in %s", response.head)
                        .isEqualTo(expected.close);
                if (expected.close) {
                    assertThat(readAll(in)).as("nothing after the final response").isEmpty();
                    return;
                }
            }
            assertThat(entry.halfClose).as("an entry that half-closes must end with a close").isFalse();
            s.getOutputStream().write(PROBE.getBytes(ISO_8859_1));
            Response probe = Response.read(in);
            assertThat(probe.statusLine).isEqualTo("HTTP/1.1 200 OK");
            assertThat(probe.body).isEqualTo("Hello, World!");
            assertThat(readAll(in)).isEmpty();
        }
    }

    /** Reads until the server closes; a reset fails the test (the server must close cleanly). */
    static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        for (int n; (n = in.read(buf)) >= 0; ) {
            all.write(buf, 0, n);
        }
        return all.toString(ISO_8859_1);
    }

    /**
     * A response: its head, then a body of its Content-Length (every response of this server has one, but a 304,
     * which has no body).
     */
    record Response(String head, String statusLine, String body) {

        static Response read(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder();
            while (head.indexOf("\r\n\r\n") < 0) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("closed " + (head.length() == 0 ? "without a response" : "inside " + head));
                }
                head.append((char) b);
            }
            String statusLine = head.substring(0, head.indexOf("\r\n"));
            if (statusLine.startsWith("HTTP/1.1 304 ")) {
                return new Response(head.toString(), statusLine, "");
            }
            Matcher length = Pattern.compile("(?i)\r\nContent-Length: (\\d+)\r\n").matcher(head);
            assertThat(length.find()).as("Content-Length in %s", head).isTrue();
            String body = new String(in.readNBytes(Integer.parseInt(length.group(1))), ISO_8859_1);
            return new Response(head.toString(), statusLine, body);
        }

        boolean closes() {
            return Pattern.compile("(?i)\r\nConnection:[^\r]*\\bclose\\b").matcher(head).find();
        }
    }

    /** What to expect: a status, then the connection closed or kept; or, with status 0, a close and no response. */
    record Outcome(int status, boolean close) {

        static Outcome parse(String text) {
            String[] words = text.trim().split("\\s+");
            if (words.length == 1 && words[0].equals("close")) {
                return new Outcome(0, true);
            }
            if (words.length != 2 || !words[1].matches("keep|close")) {
                throw new IllegalArgumentException("bad outcome: " + text);
            }
            return new Outcome(Integer.parseInt(words[0]), words[1].equals("close"));
        }
    }

    /**
     * One line of the corpus: {@code name | outcome[, outcome...] | request}; a request ending in {@code \z}
     * is followed by a half-close (the client ends its output).
     */
    record Entry(String name, List<Outcome> outcomes, byte[] request, boolean halfClose) {

        private static final Pattern REPEAT = Pattern.compile("\\\\\\{(\\d+)\\*([^{}]*)}");

        static List<Entry> load(String resource) throws IOException {
            List<Entry> entries = new ArrayList<>();
            try (InputStream in = Objects.requireNonNull(HostileRequestCorpusTest.class.getResourceAsStream(resource),
                    resource)) {
                int lineNumber = 0;
                for (String line : new String(in.readAllBytes(), UTF_8).split("\n", -1)) {
                    lineNumber++;
                    if (line.isBlank() || line.startsWith("#")) {
                        continue;
                    }
                    String[] parts = line.split(" \\| ", 3);
                    if (parts.length != 3) {
                        throw new IllegalArgumentException(resource + ":" + lineNumber
                                + ": not name | outcome | request");
                    }
                    List<Outcome> outcomes = new ArrayList<>();
                    for (String o : parts[1].split(",")) {
                        outcomes.add(Outcome.parse(o));
                    }
                    for (int i = 0; i < outcomes.size() - 1; i++) {
                        if (outcomes.get(i).close) {
                            throw new IllegalArgumentException(resource + ":" + lineNumber + ": close before the end");
                        }
                    }
                    boolean halfClose = parts[2].endsWith("\\z");
                    String request = halfClose ? parts[2].substring(0, parts[2].length() - 2) : parts[2];
                    entries.add(new Entry(parts[0].trim(), List.copyOf(outcomes),
                            unescape(request).getBytes(ISO_8859_1), halfClose));
                }
            }
            return entries;
        }

        /**
         * Expands {@code \{N*text}} (innermost first, so repeats nest), then {@code \r \n \t \0 \\ \xHH};
         * every other character stands for itself.
         */
        static String unescape(String text) {
            String expanded = text;
            for (Matcher m = REPEAT.matcher(expanded); m.find(); m = REPEAT.matcher(expanded)) {
                expanded = expanded.substring(0, m.start()) + m.group(2).repeat(Integer.parseInt(m.group(1)))
                        + expanded.substring(m.end());
            }
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < expanded.length(); i++) {
                char c = expanded.charAt(i);
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                char next = expanded.charAt(++i);
                switch (next) {
                    case 'r' -> out.append('\r');
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case '0' -> out.append('\0');
                    case '\\' -> out.append('\\');
                    case 'x' -> {
                        out.append((char) Integer.parseInt(expanded.substring(i + 1, i + 3), 16));
                        i += 2;
                    }
                    default -> throw new IllegalArgumentException("unknown escape \\" + next + " in " + text);
                }
            }
            return out.toString();
        }
    }
}
