package io.asyncio4j.samples.httpclient;

import io.asyncio4j.nio.EventLoop;
import io.asyncio4j.samples.httpserver.StaticFileServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

class HttpClientTest {

    @TempDir
    Path root;

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int run(String url, Duration timeout) {
        return HttpClientCommand.run(EventLoop.defaultLoop(), url, timeout,
                new PrintStream(out, true, ISO_8859_1), new PrintStream(err, true, ISO_8859_1));
    }

    String stdout() {
        return out.toString(ISO_8859_1);
    }

    String stderr() {
        return err.toString(ISO_8859_1);
    }

    @Test
    void printsAContentLengthResponseOfTheFileServer() throws IOException {
        Files.writeString(root.resolve("a.txt"), "file body\n");
        Files.setLastModifiedTime(root.resolve("a.txt"),
                java.nio.file.attribute.FileTime.from(Instant.parse("2026-10-31T12:00:00Z")));
        StaticFileServer server = StaticFileServer.start(EventLoop.defaultLoop(), "127.0.0.1", 0, root,
                StaticFileServer.Settings.defaults()
                        .withClock(Clock.fixed(Instant.parse("2026-11-01T23:02:00Z"), ZoneOffset.UTC)));
        try {
            int code = run("http://127.0.0.1:" + server.server().port() + "/a.txt", Duration.ofSeconds(10));
            assertThat(code).isZero();
            assertThat(stdout()).isEqualTo("HTTP/1.1 200 OK\r\nDate: Sun, 01 Nov 2026 23:02:00 GMT\r\n"
                    + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: 10\r\n"
                    + "Last-Modified: Sat, 31 Oct 2026 12:00:00 GMT\r\nETag: W/\"6ae5d840.0-a\"\r\n"
                    + "Accept-Ranges: bytes\r\nConnection: close\r\n\r\nfile body\n");
            assertThat(stderr()).isEmpty();
        } finally {
            server.server().closeGracefully(Duration.ofSeconds(2)).join();
        }
    }

    @Test
    void sendsGetWithHostAndConnectionClose() throws Exception {
        try (CannedServer server = new CannedServer(req -> "HTTP/1.1 204 No Content\r\n\r\n")) {
            assertThat(run(server.url("/a%20b?q=1&r=2"), Duration.ofSeconds(10))).isZero();
            assertThat(server.firstRequest.get(10, TimeUnit.SECONDS)).isEqualTo("GET /a%20b?q=1&r=2 HTTP/1.1\r\n"
                    + "Host: 127.0.0.1:" + server.server.port() + "\r\nUser-Agent: asyncio4j-samples\r\n"
                    + "Accept: */*\r\nConnection: close\r\n\r\n");
            assertThat(stdout()).isEqualTo("HTTP/1.1 204 No Content\r\n\r\n");
        }
    }

    @Test
    void decodesAChunkedBody() {
        try (CannedServer server = new CannedServer(req -> "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nHello\r\n8;ext=1\r\n, World!\r\n0\r\nX-Trailer: t\r\n\r\n")) {
            assertThat(run(server.url("/"), Duration.ofSeconds(10))).isZero();
            assertThat(stdout()).isEqualTo("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nHello, World!");
        }
    }

    @Test
    void readsACloseDelimitedBodyUntilTheServerCloses() {
        try (CannedServer server = new CannedServer(req -> "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n"
                + "until the end")) {
            assertThat(run(server.url("/"), Duration.ofSeconds(10))).isZero();
            assertThat(stdout()).isEqualTo("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end");
        }
    }

    @Test
    void skipsInterimResponses() {
        try (CannedServer server = new CannedServer(req -> "HTTP/1.1 100 Continue\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")) {
            assertThat(run(server.url("/"), Duration.ofSeconds(10))).isZero();
            assertThat(stdout()).isEqualTo("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        }
    }

    @Test
    void aMalformedChunkFailsWithAOneLineError() {
        try (CannedServer server = new CannedServer(req -> "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "zz\r\n")) {
            String url = server.url("/");
            assertThat(run(url, Duration.ofSeconds(10))).isEqualTo(1);
            assertThat(stderr()).isEqualTo("http-client: bad response: malformed chunk-size line (" + url + ")"
                    + System.lineSeparator());
        }
    }

    @Test
    void aBodyCutShortFails() {
        try (CannedServer server = new CannedServer(req -> "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort")) {
            String url = server.url("/");
            assertThat(run(url, Duration.ofSeconds(10))).isEqualTo(1);
            assertThat(stderr()).isEqualTo("http-client: connection closed after 5 of 10 body bytes (" + url + ")"
                    + System.lineSeparator());
        }
    }

    @Test
    void aServerThatNeverAnswersTimesOut() {
        try (CannedServer server = new CannedServer(req -> null)) {
            String url = server.url("/");
            assertThat(run(url, Duration.ofMillis(300))).isEqualTo(1);
            assertThat(stderr()).isEqualTo("http-client: timeout (" + url + ")" + System.lineSeparator());
        }
    }

    @Test
    void aUrlOfAnotherSchemeIsRefusedWithAClearMessage() {
        assertThat(run("ftp://example.com/", Duration.ofSeconds(10))).isEqualTo(1);
        assertThat(stderr()).isEqualTo("http-client: not an http://host/ or https://host/ URL: ftp://example.com/"
                + " (ftp://example.com/)" + System.lineSeparator());
        assertThat(stdout()).isEmpty();
    }

    @Test
    void aRefusedConnectionFails() throws IOException {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port + "/";
        assertThat(run(url, Duration.ofSeconds(10))).isEqualTo(1);
        assertThat(stderr()).isEqualTo("http-client: connection refused (" + url + ")" + System.lineSeparator());
    }
}
