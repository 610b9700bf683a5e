package io.asyncio4j.samples.http;

import io.asyncio4j.Connection;
import io.asyncio4j.Server;
import io.asyncio4j.nio.EventLoop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

/** Request heads parsed straight from the connection's buffer: fields, request lines, a section split in two. */
class RequestReaderTest {

    private static final HttpLimits LIMITS = new HttpLimits(256, 1024, 4, 64, 1000);

    @RegisterExtension
    static final LoopbackFeed feed = new LoopbackFeed();

    private static LoopbackFeed.Outcome<RequestHead> read(String wire) throws Exception {
        return feed.feed(wire.getBytes(ISO_8859_1), new int[0], conn -> RequestReader.readHead(conn, LIMITS));
    }

    private static int status(LoopbackFeed.Outcome<?> outcome) {
        assertThat(outcome.failure()).as("the read fails").isInstanceOf(HttpException.class);
        return ((HttpException) outcome.failure()).status();
    }

    private static List<String> fields(HttpHeaders headers) {
        List<String> all = new ArrayList<>();
        headers.forEach((name, value) -> all.add(name + "=" + value));
        return all;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "'X-A:v'               | X-A=v",
        "'X-A: \t v \t '       | X-A=v",
        "'X-A:'                | X-A=",
        "'x-a: a b'            | x-a=a b",
        "'X-A: caf\u00e9'      | X-A=caf\u00e9",
    })
    void fieldValuesAreTrimmedOfWhitespaceAndKeepTheirSpelling(String line, String expected) throws Exception {
        RequestHead head = read("GET / HTTP/1.1\r\nHost: h\r\n" + line + "\r\n\r\n").value();
        assertThat(fields(head.headers())).containsExactly("Host=h", expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "' folded: v'          | 400",
        "'\tfolded: v'         | 400",
        "'no colon'            | 400",
        "': no name'           | 400",
        "'Bad Name: v'         | 400",
        "'X-\u00e9: v'         | 400",
        "'X-A: a\u0001b'       | 400",
        "'X-A: a\u007fb'       | 400",
    })
    void malformedFieldLinesAreRefused(String line, int status) throws Exception {
        assertThat(status(read("GET / HTTP/1.1\r\nHost: h\r\n" + line + "\r\n\r\n"))).isEqualTo(status);
    }

    @Test
    void moreFieldsThanTheLimitAre431() throws Exception {
        assertThat(status(read("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n"))).isEqualTo(431);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "'GET /a HTTP/1.1'     | GET  | /a   | HTTP/1.1",
        "'get /a HTTP/1.0'     | get  | /a   | HTTP/1.0",
        "'M-1 * HTTP/1.1'      | M-1  | *    | HTTP/1.1",
        "'GET /a HTTP/1.9'     | GET  | /a   | HTTP/1.1",
    })
    void requestLinesParseToMethodTargetAndVersion(String line, String method, String target, String version)
            throws Exception {
        RequestHead head = read(line + "\r\nHost: h\r\n\r\n").value();
        assertThat(head.method()).isEqualTo(method);
        assertThat(head.target()).isEqualTo(target);
        assertThat(head.version()).isEqualTo(HttpVersion.parse(version));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "'GET  /a HTTP/1.1'    | 400",
        "'GET /a  HTTP/1.1'    | 400",
        "' GET /a HTTP/1.1'    | 400",
        "'GET /a HTTP/1.1 '    | 400",
        "'G(T /a HTTP/1.1'     | 400",
        "'GET /\u00e9 HTTP/1.1' | 400",
        "'GET /a http/1.1'     | 400",
        "'GET /a HTTP/1.10'    | 400",
        "'GET /a HTTP/1.x'     | 400",
        "'GET /a HTTP/2.0'     | 505",
        "'GET /a HTTP/0.9'     | 505",
    })
    void malformedRequestLinesAreRefused(String line, int status) throws Exception {
        assertThat(status(read(line + "\r\nHost: h\r\n\r\n"))).isEqualTo(status);
    }

    @Test
    void pipelinedHeadsAreReadOneAfterAnotherAndLeaveTheRestUntouched() throws Exception {
        String wire = "GET /1 HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n\r\nHEAD /2 HTTP/1.0\r\n\r\nrest";
        LoopbackFeed.Outcome<List<Object>> outcome = feed.feed(wire.getBytes(ISO_8859_1), new int[0], conn ->
                RequestReader.readHead(conn, LIMITS).thenCompose(first -> RequestReader.readHead(conn, LIMITS)
                        .thenCompose(second -> conn.readToEnd(100).thenApply(rest -> List.of(first, second,
                                new String(rest, ISO_8859_1))))));
        assertThat(outcome.failure()).isNull();
        RequestHead first = (RequestHead) outcome.value().get(0);
        RequestHead second = (RequestHead) outcome.value().get(1);
        assertThat(first.target()).isEqualTo("/1");
        assertThat(fields(first.headers())).containsExactly("Host=h", "X-A=1");
        assertThat(second.method()).isEqualTo("HEAD");
        assertThat(second.version()).isEqualTo(HttpVersion.HTTP_1_0);
        assertThat(second.headers().size()).isZero();
        assertThat(outcome.value().get(2)).isEqualTo("rest");
    }

    @Test
    void upToFourEmptyLinesMayPrecedeARequestLine() throws Exception {
        assertThat(read("\r\n\n\r\n\nGET / HTTP/1.1\r\nHost: h\r\n\r\n").value().target()).isEqualTo("/");
        assertThat(status(read("\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n"))).isEqualTo(400);
    }

    @Test
    void aStreamThatEndsInsideAHeadFailsWithAnEndOfStream() throws Exception {
        assertThat(read("GET / HTTP/1.0").failure()).isInstanceOf(java.io.EOFException.class);
        assertThat(read("GET / HTTP/1.1\r\nHost: h").failure()).isInstanceOf(java.io.EOFException.class);
        assertThat(read("").value()).isNull();
    }

    @Test
    void headerMapsGrowAndRemoveFromTheMiddle() {
        HttpHeaders h = new HttpHeaders();
        for (int i = 0; i < 20; i++) {
            h.add(i % 2 == 0 ? "Even" : "X-" + i, Integer.toString(i));
        }
        assertThat(h.size()).isEqualTo(20);
        assertThat(h.count("even")).isEqualTo(10);
        assertThat(h.get("X-19")).isEqualTo("19");
        h.remove("EVEN");
        assertThat(h.size()).isEqualTo(10);
        assertThat(h.count("Even")).isZero();
        assertThat(h.get("X-1")).isEqualTo("1");
        assertThat(h.get("X-19")).isEqualTo("19");
        h.set("x-5", "five");
        assertThat(h.getAll("X-5")).containsExactly("five");
        assertThat(h.clear().size()).isZero();
        assertThat(h.get("X-1")).isNull();
        assertThat(h.add("A", "b").toString()).isEqualTo("A: b\r\n");
    }

    @Test
    void versionsParseFromBytesAsFromText() {
        for (String token : new String[] {"HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/0.9", "http/1.1", "HTTP/1.10",
            "HTTP/1,1", "HTTP-1.1", "HTTP/a.1", "HTTP/1.b", "HTTP/:.1", "XHTTP/1.1"}) {
            byte[] padded = ("  " + token + "  ").getBytes(ISO_8859_1);
            assertThat(HttpVersion.parse(padded, 2, 2 + token.length())).as(token).isEqualTo(HttpVersion.parse(token));
        }
        assertThat(HttpVersion.parse("HTTP/1.1".getBytes(ISO_8859_1), 0, 8)).isSameAs(HttpVersion.HTTP_1_1);
    }

    /**
     * The first read of a request parses its header section when it has arrived with the request line; a section
     * cut short is left for {@link RequestReader#readHeaders}, which must see each field once, not the fields the
     * first read had already parsed again.
     */
    @Test
    void aHeaderSectionCutShortIsReadOnceWhenTheRestArrives() throws Exception {
        CompletableFuture<Connection> accepted = new CompletableFuture<>();
        Server server = EventLoop.defaultLoop().listen("127.0.0.1", 0, conn -> {
            accepted.complete(conn);
            return conn.closed();
        }).join();
        try (Socket client = new Socket()) {
            client.connect(new InetSocketAddress("127.0.0.1", server.port()));
            OutputStream out = client.getOutputStream();
            Connection conn = accepted.get(30, TimeUnit.SECONDS);
            out.write("GET /a HTTP/1.1\r\nHost: h\r\nX-A: 1\r\nX-".getBytes(ISO_8859_1));
            out.flush();
            RequestReader.Start start = RequestReader.readStart(conn, LIMITS).get(30, TimeUnit.SECONDS);
            assertThat(start.complete()).isFalse();
            assertThat(start.head().target()).isEqualTo("/a");
            assertThat(start.head().headers().size()).isZero();

            out.write("B: 2\r\n\r\n".getBytes(ISO_8859_1));
            out.flush();
            RequestHead head = RequestReader.readHeaders(conn, LIMITS, start.head()).get(30, TimeUnit.SECONDS);
            assertThat(fields(head.headers())).containsExactly("Host=h", "X-A=1", "X-B=2");
            conn.abort();
        } finally {
            server.close();
        }
    }
}
