package io.asyncio4j.samples.httpserver;

import io.asyncio4j.nio.EventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;

import static io.asyncio4j.samples.httpserver.StaticFileServerTest.DATE;
import static io.asyncio4j.samples.httpserver.StaticFileServerTest.MODIFIED;
import static io.asyncio4j.samples.httpserver.StaticFileServerTest.MTIME;
import static io.asyncio4j.samples.httpserver.StaticFileServerTest.NOW;
import static io.asyncio4j.samples.httpserver.StaticFileServerTest.helloResponse;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conditional GET against a running {@link StaticFileServer}: a client that sends back the server's own
 * {@code Last-Modified} or {@code ETag} gets 304 and no body, on a connection that stays usable.
 */
class ConditionalGetTest {

    static final String ETAG = "W/\"" + Long.toHexString(MTIME.getEpochSecond()) + ".0-d\"";
    static final String NOT_MODIFIED = "HTTP/1.1 304 Not Modified\r\n" + DATE + MODIFIED + "ETag: " + ETAG
            + "\r\n\r\n";
    /** Sent after a response on the same connection: its exact answer shows the framing held. */
    static final String THEN_PLAINTEXT = "GET /plaintext HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    static final String PLAINTEXT_CLOSE = "HTTP/1.1 200 OK\r\n" + DATE
            + "Content-Type: text/plain\r\nContent-Length: 13\r\nConnection: close\r\n\r\nHello, World!";

    @TempDir
    Path root;
    StaticFileServer server;

    @BeforeEach
    void start() throws IOException {
        Path hello = root.resolve("hello.txt");
        Files.writeString(hello, "Hello, file!\n");
        Files.setLastModifiedTime(hello, FileTime.from(MTIME));
        server = StaticFileServer.start(EventLoop.defaultLoop(), "127.0.0.1", 0, root,
                StaticFileServer.Settings.defaults().withClock(Clock.fixed(NOW, ZoneOffset.UTC)));
    }

    @AfterEach
    void stop() {
        server.closeGracefully(Duration.ofSeconds(2)).join();
    }

    String exchange(String request) throws IOException {
        try (RawClient c = new RawClient(server.server().port())) {
            c.send(request + THEN_PLAINTEXT);
            return c.readToEnd();
        }
    }

    @Test
    void ifModifiedSinceTheServersOwnLastModifiedGets304WithoutABody() throws IOException {
        assertThat(exchange("GET /hello.txt HTTP/1.1\r\nHost: x\r\nIf-Modified-Since: Sat, 31 Oct 2026 12:00:00 GMT"
                + "\r\n\r\n")).isEqualTo(NOT_MODIFIED + PLAINTEXT_CLOSE);
    }

    @Test
    void ifNoneMatchWithTheServersOwnETagGets304WithoutABody() throws IOException {
        assertThat(exchange("GET /hello.txt HTTP/1.1\r\nHost: x\r\nIf-None-Match: \"a\", " + ETAG + "\r\n\r\n"))
                .isEqualTo(NOT_MODIFIED + PLAINTEXT_CLOSE);
    }

    @Test
    void headWithAConditionThatHoldsGetsTheSame304() throws IOException {
        assertThat(exchange("HEAD /hello.txt HTTP/1.1\r\nHost: x\r\nIf-None-Match: " + ETAG + "\r\n\r\n"))
                .isEqualTo(NOT_MODIFIED + PLAINTEXT_CLOSE);
    }

    @Test
    void ifNoneMatchTakesPrecedenceOverIfModifiedSince() throws IOException {
        assertThat(exchange("GET /hello.txt HTTP/1.1\r\nHost: x\r\nIf-None-Match: \"stale\"\r\n"
                + "If-Modified-Since: Sat, 31 Oct 2026 12:00:00 GMT\r\n\r\n"))
                .isEqualTo(helloResponse("") + PLAINTEXT_CLOSE);
    }

    @Test
    void aConditionThatHoldsWinsOverARange() throws IOException {
        assertThat(exchange("GET /hello.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=0-4\r\n"
                + "If-Modified-Since: Sat, 31 Oct 2026 12:00:00 GMT\r\n\r\n"))
                .isEqualTo(NOT_MODIFIED + PLAINTEXT_CLOSE);
    }

    @Test
    void aFileWhoseModificationTimeIsInTheFutureSaysItWasModifiedNow() throws IOException {
        Files.setLastModifiedTime(root.resolve("hello.txt"), FileTime.from(NOW.plusSeconds(3600)));
        try (RawClient c = new RawClient(server.server().port())) {
            c.send("HEAD /hello.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(c.readToEnd()).contains("\r\nLast-Modified: Sun, 01 Nov 2026 23:02:00 GMT\r\n");
        }
    }

    @Test
    void aRealClientRevalidatesWithTheETagOfItsFirstResponse() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI uri = URI.create("http://127.0.0.1:" + server.server().port() + "/hello.txt");
        HttpResponse<String> first = client.send(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).isEqualTo("Hello, file!\n");
        String etag = first.headers().firstValue("ETag").orElseThrow();
        String lastModified = first.headers().firstValue("Last-Modified").orElseThrow();

        HttpResponse<String> byTag = client.send(HttpRequest.newBuilder(uri).header("If-None-Match", etag).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(byTag.statusCode()).isEqualTo(304);
        assertThat(byTag.body()).isEmpty();
        assertThat(byTag.headers().firstValue("ETag")).contains(etag);

        HttpResponse<String> byDate = client.send(HttpRequest.newBuilder(uri)
                .header("If-Modified-Since", lastModified).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(byDate.statusCode()).isEqualTo(304);
        assertThat(byDate.body()).isEmpty();
    }
}
