package io.asyncio4j.samples.httpserver;

import io.asyncio4j.TlsOptions;
import io.asyncio4j.nio.EventLoop;
import io.asyncio4j.samples.http.HttpLimits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StaticFileServerTest {

    static final Instant NOW = Instant.parse("2026-11-01T23:02:00Z");
    static final String DATE = "Date: Sun, 01 Nov 2026 23:02:00 GMT\r\n";
    static final Instant MTIME = Instant.parse("2026-10-31T12:00:00Z");
    static final String MODIFIED = "Last-Modified: Sat, 31 Oct 2026 12:00:00 GMT\r\n";

    @TempDir
    Path dir;
    Path root;
    StaticFileServer server;

    @BeforeEach
    void start() throws IOException {
        root = Files.createDirectories(dir.resolve("root"));
        Files.writeString(root.resolve("hello.txt"), "Hello, file!\n");
        Files.createDirectories(root.resolve("docs"));
        Files.writeString(root.resolve("docs/index.html"), "<p>docs</p>\n");
        Files.createDirectories(root.resolve("list"));
        Files.writeString(root.resolve("list/b <i>.txt"), "b");
        Files.writeString(root.resolve("list/a.txt"), "a");
        for (Path p : new Path[] {root.resolve("hello.txt"), root.resolve("docs/index.html")}) {
            Files.setLastModifiedTime(p, FileTime.from(MTIME));
        }
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "TOP SECRET\n");
        Files.createSymbolicLink(root.resolve("link-out"), outside);
        Files.createSymbolicLink(root.resolve("secret-link.txt"), outside.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("hello-link.txt"), root.resolve("hello.txt"));
        server = start(settings());
    }

    StaticFileServer.Settings settings() {
        return StaticFileServer.Settings.defaults()
                .withClock(Clock.fixed(NOW, ZoneOffset.UTC))
                .withLimits(HttpLimits.defaults().withMaxStartLineBytes(256).withMaxHeaders(1024, 10)
                        .withMaxBodyBytes(1000));
    }

    StaticFileServer start(StaticFileServer.Settings settings) {
        return StaticFileServer.start(EventLoop.defaultLoop(), "127.0.0.1", 0, root, settings);
    }

    @AfterEach
    void stop() {
        server.server().closeGracefully(Duration.ofSeconds(2)).join();
    }

    static String helloResponse(String extra) {
        return "HTTP/1.1 200 OK\r\n" + DATE + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: 13\r\n"
                + validators(13) + extra + "\r\nHello, file!\n";
    }

    /** Last-Modified, ETag and Accept-Ranges of a file of {@code size} bytes modified at {@link #MTIME}. */
    static String validators(int size) {
        return MODIFIED + "ETag: W/\"" + Long.toHexString(MTIME.getEpochSecond()) + ".0-" + Integer.toHexString(size)
                + "\"\r\nAccept-Ranges: bytes\r\n";
    }

    static String error(int status, String reason, String extra) {
        String body = status + " " + reason + "\n";
        return "HTTP/1.1 " + status + " " + reason + "\r\n" + DATE + extra
                + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: " + body.length() + "\r\n"
                + "Connection: close\r\n\r\n" + body;
    }

    static final String PLAINTEXT = "HTTP/1.1 200 OK\r\n" + DATE + "Content-Type: text/plain\r\nContent-Length: 13\r\n"
            + "\r\nHello, World!";

    RawClient client() throws IOException {
        return new RawClient(server.server().port());
    }

    @Test
    void getServesAFileWithLengthTypeDateAndLastModified() throws IOException {
        try (RawClient c = client()) {
            c.send("GET /hello.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(c.readToEnd()).isEqualTo(helloResponse("Connection: close\r\n"));
        }
    }

    @Test
    void keepAliveServesRequestsOneAfterTheOtherOnOneConnection() throws IOException {
        try (RawClient c = client()) {
            String expected = helloResponse("");
            for (int i = 0; i < 3; i++) {
                c.send("GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(c.readExactly(expected.length())).isEqualTo(expected);
            }
        }
    }

    @Test
    void pipelinedRequestsInOneWriteAreAnsweredInOrder() throws IOException {
        try (RawClient c = client()) {
            c.send("GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "HEAD /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /missing HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /plaintext HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(c.readToEnd()).isEqualTo(helloResponse("")
                    + helloResponse("").replace("Hello, file!\n", "")
                    + error(404, "Not Found", "").replace("Connection: close\r\n", "")
                    + "HTTP/1.1 200 OK\r\n" + DATE + "Content-Type: text/plain\r\nContent-Length: 13\r\n"
                    + "Connection: close\r\n\r\nHello, World!");
        }
    }

    @Test
    void headSendsTheHeadersOfGetWithoutTheBody() throws IOException {
        try (RawClient c = client()) {
            c.send("HEAD /hello.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(c.readToEnd()).isEqualTo(helloResponse("Connection: close\r\n").replace("Hello, file!\n", ""));
        }
    }

    @Test
    void http10ClosesUnlessKeepAliveIsAsked() throws IOException {
        try (RawClient c = client()) {
            c.send("GET /hello.txt HTTP/1.0\r\n\r\n");
            assertThat(c.readToEnd()).isEqualTo(helloResponse("Connection: close\r\n"));
        }
        try (RawClient c = client()) {
            String expected = helloResponse("Connection: keep-alive\r\n");
            c.send("GET /hello.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            assertThat(c.readExactly(expected.length())).isEqualTo(expected);
            c.send("GET /hello.txt HTTP/1.0\r\n\r\n");
            assertThat(c.readToEnd()).isEqualTo(helloResponse("Connection: close\r\n"));
        }
    }

    @Test
    void plaintextAnswersHelloWorld() throws IOException {
        try (RawClient c = client()) {
            c.send("GET /plaintext HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(c.readToEnd()).isEqualTo("HTTP/1.1 200 OK\r\n" + DATE
                    + "Content-Type: text/plain\r\nContent-Length: 13\r\nConnection: close\r\n\r\nHello, World!");
        }
    }

    @Test
    void directoryServesItsIndexHtml() throws IOException {
        try (RawClient c = client()) {
            c.send("GET /docs/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(c.readToEnd()).isEqualTo("HTTP/1.1 200 OK\r\n" + DATE
                    + "Content-Type: text/html; charset=utf-8\r\nContent-Length: 12\r\n" + validators(12)
                    + "Connection: close\r\n\r\n<p>docs</p>\n");
        }
    }

    @Test
    void directoryWithoutIndexGetsAnEscapedListing() throws IOException {
        try (RawClient c = client()) {
            c.send("GET /list/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            String body = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Index of /list/</title>"
                    + "</head>\n<body><h1>Index of /list/</h1>\n<ul>\n<li><a href=\"../\">../</a></li>\n"
                    + "<li><a href=\"a.txt\">a.txt</a></li>\n"
                    + "<li><a href=\"b%20%3Ci%3E.txt\">b &lt;i&gt;.txt</a></li>\n</ul>\n</body></html>\n";
            assertThat(c.readToEnd()).isEqualTo("HTTP/1.1 200 OK\r\n" + DATE
                    + "Content-Type: text/html; charset=utf-8\r\nContent-Length: " + body.length()
                    + "\r\nConnection: close\r\n\r\n" + body);
        }
    }

    @Test
    void directoryWithoutTrailingSlashIsRedirected() throws IOException {
        try (RawClient c = client()) {
            c.send("GET /docs HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(c.readToEnd()).isEqualTo(error(301, "Moved Permanently", "Location: /docs/\r\n"));
        }
    }

    @Test
    void otherKnownMethodsGet405WithAllowAndTheirBodyIsSkipped() throws IOException {
        try (RawClient c = client()) {
            c.send("POST /hello.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nabcde"
                    + "PUT /hello.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "3\r\nabc\r\n0\r\n\r\n"
                    + "GET /hello.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            String notAllowed = error(405, "Method Not Allowed", "Allow: GET, HEAD\r\n")
                    .replace("Connection: close\r\n", "");
            assertThat(c.readToEnd()).isEqualTo(notAllowed + notAllowed + helloResponse("Connection: close\r\n"));
        }
    }

    @Test
    void unknownMethodsGet501AndTheConnectionStaysUsable() throws IOException {
        try (RawClient c = client()) {
            c.send("BREW /pot HTTP/1.1\r\nHost: x\r\n\r\nGET /hello.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(c.readToEnd()).isEqualTo(error(501, "Not Implemented", "").replace("Connection: close\r\n", "")
                    + helloResponse("Connection: close\r\n"));
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "GET / HTTP/2.0\\r\\nHost: x\\r\\n\\r\\n                                               | 505 | HTTP Version Not Supported",
        "GET / HTTP/1.1\\r\\n\\r\\n                                                            | 400 | Bad Request",
        "GET / HTTP/1.1\\r\\nHost: a\\r\\nHost: b\\r\\n\\r\\n                                  | 400 | Bad Request",
        "GET /  HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n                                              | 400 | Bad Request",
        "GET / HTTP/1.1\\r\\nHost: x\\r\\n folded\\r\\n\\r\\n                                  | 400 | Bad Request",
        "GET / HTTP/1.1\\r\\nHost : x\\r\\n\\r\\n                                              | 400 | Bad Request",
        "POST / HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 3\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n | 400 | Bad Request",
        "POST / HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 3\\r\\nContent-Length: 4\\r\\n\\r\\n   | 400 | Bad Request",
        "POST / HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 3, 4\\r\\n\\r\\n                    | 400 | Bad Request",
        "POST / HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: -1\\r\\n\\r\\n                      | 400 | Bad Request",
        "POST / HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: chunked, gzip\\r\\n\\r\\n        | 400 | Bad Request",
        "POST / HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: gzip, chunked\\r\\n\\r\\n        | 501 | Not Implemented",
        "POST / HTTP/1.0\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n                      | 400 | Bad Request",
        "POST / HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\nzz\\r\\n       | 400 | Bad Request",
        "POST / HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 1001\\r\\n\\r\\n                    | 413 | Content Too Large",
        "POST / HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n3e9\\r\\n     | 413 | Content Too Large",
        "GET /LONG HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n                                           | 414 | URI Too Long",
        "GET / HTTP/1.1\\r\\nHost: x\\r\\nX-Big: LONG\\r\\n\\r\\n                             | 431 | Request Header Fields Too Large",
        "GET / HTTP/1.1\\r\\nHost: x\\r\\nA: 1\\r\\nB: 1\\r\\nC: 1\\r\\nD: 1\\r\\nE: 1\\r\\nF: 1\\r\\nG: 1\\r\\nH: 1\\r\\nI: 1\\r\\nJ: 1\\r\\n\\r\\n | 431 | Request Header Fields Too Large",
    })
    void protocolErrorsAreAnsweredThenTheConnectionCloses(String request, int status, String reason)
            throws IOException {
        String wire = request.replace("\\r\\n", "\r\n").replace("LONG", "x".repeat(1200));
        try (RawClient c = client()) {
            c.send(wire);
            assertThat(c.readToEnd()).isEqualTo(error(status, reason, ""));
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "/../outside/secret.txt, 403",
        "/docs/../../outside/secret.txt, 403",
        "/%2e%2e/outside/secret.txt, 403",
        "/%2E%2E/outside/secret.txt, 403",
        "/docs/%2e%2e%2f%2e%2e%2foutside/secret.txt, 403",
        "/..%2foutside/secret.txt, 403",
        "/%252e%252e/outside/secret.txt, 404",
        "/..\\outside\\secret.txt, 403",
        "/%5c..%5coutside/secret.txt, 403",
        "/hello.txt%00.png, 400",
        "/%zz, 400",
        "/link-out/secret.txt, 403",
        "/secret-link.txt, 403",
        "http://x/../outside/secret.txt, 403",
        "http://x/%2e%2e/outside/secret.txt, 403",
        "example.com:80, 400",
        "*, 400",
    })
    void traversalAttemptsNeverLeaveTheRoot(String target, int status) throws IOException {
        try (RawClient c = client()) {
            c.send("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            String response = c.readToEnd();
            assertThat(response).startsWith("HTTP/1.1 " + status + " ").doesNotContain("TOP SECRET");
        }
    }

    @Test
    void symbolicLinksInsideTheRootAreFollowed() throws IOException {
        try (RawClient c = client()) {
            c.send("GET /hello-link.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(c.readToEnd()).isEqualTo(helloResponse("Connection: close\r\n"));
        }
    }

    @Test
    void absoluteFormTargetsServeTheirPath() throws IOException {
        try (RawClient c = client()) {
            c.send("GET http://example.com/hello.txt?x=1 HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n");
            assertThat(c.readToEnd()).isEqualTo(helloResponse("Connection: close\r\n"));
        }
    }

    @Test
    void aHeadThatDoesNotArriveInTimeGets408AndTheConnectionCloses() throws IOException {
        server.server().close();
        server = start(settings().withTimeouts(Duration.ofMillis(300), Duration.ofMillis(300)));
        try (RawClient c = client()) {
            c.send("GET /hello.txt HTTP/1.1\r\nHost: x\r\n");  // and never the blank line
            assertThat(c.readToEnd()).isEqualTo(error(408, "Request Timeout", ""));
        }
    }

    @Test
    void theKeepAliveTimeoutAppliesAfterAFirstRequestWithAMuchLongerHeaderTimeout() throws IOException {
        server.server().close();
        server = start(settings().withTimeouts(Duration.ofHours(1), Duration.ofMillis(200)));
        try (RawClient c = client()) {
            c.send("GET /plaintext HTTP/1.1\r\nHost: x\r\n\r\n");
            // closed by the keep-alive timeout, not an hour later (the client gives up after 20 s)
            assertThat(c.readToEnd()).startsWith("HTTP/1.1 200 OK\r\n").endsWith("Hello, World!");
        }
    }

    @Test
    void aBusyKeepAliveConnectionOutlivesTheHeaderTimeoutOfItsFirstRequest() throws IOException {
        server.server().close();
        // A header timeout long enough that no pause of a loaded machine lets the first request line miss it.
        server = start(settings().withTimeouts(Duration.ofSeconds(1), Duration.ofHours(1)));
        try (RawClient c = client()) {
            String hello = helloResponse("");
            long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            int requests = 0;
            // Three header timeouts' worth of requests, files (answered from a file-read thread) and plaintext
            // alternating: the timer set for the first request fires while the connection is busy or waiting for
            // the next one, and must move on to the keep-alive deadline instead of closing it.
            while (System.nanoTime() - end < 0 || requests < 4) {
                c.send("GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(c.readExactly(hello.length())).isEqualTo(hello);
                c.send("GET /plaintext HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(c.readExactly(PLAINTEXT.length())).isEqualTo(PLAINTEXT);
                requests += 2;
            }
            c.send("GET /plaintext HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(c.readToEnd()).endsWith("Hello, World!");
        }
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedQuietly() throws IOException {
        server.server().close();
        server = start(settings().withTimeouts(Duration.ofMillis(300), Duration.ofMillis(300)));
        try (RawClient c = client()) {
            c.send("GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(c.readToEnd()).isEqualTo(helloResponse(""));
        }
        try (RawClient c = client()) {
            assertThat(c.readToEnd()).isEmpty();  // a connection that never sends anything
        }
    }

    @Test
    void settingsRefuseClientTlsOptions() {
        assertThatThrownBy(() -> StaticFileServer.Settings.defaults().withTls(TlsOptions.client()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
