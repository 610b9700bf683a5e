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
import java.util.Arrays;

import static io.asyncio4j.samples.httpserver.ConditionalGetTest.PLAINTEXT_CLOSE;
import static io.asyncio4j.samples.httpserver.ConditionalGetTest.THEN_PLAINTEXT;
import static io.asyncio4j.samples.httpserver.StaticFileServerTest.DATE;
import static io.asyncio4j.samples.httpserver.StaticFileServerTest.MTIME;
import static io.asyncio4j.samples.httpserver.StaticFileServerTest.NOW;
import static io.asyncio4j.samples.httpserver.StaticFileServerTest.helloResponse;
import static io.asyncio4j.samples.httpserver.StaticFileServerTest.validators;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Single byte ranges against a running {@link StaticFileServer}: 206 with exactly the bytes asked for, streamed
 * from the file, 416 past the end, and the whole file when the request asks for several ranges or sends If-Range.
 */
class RangeRequestsTest {

    static final int SIZE = 100_000;
    static final String DATA_HEAD = "Content-Type: application/octet-stream\r\n";

    @TempDir
    Path root;
    StaticFileServer server;
    byte[] data = LargeFileStreamingTest.pattern(SIZE);

    @BeforeEach
    void start() throws IOException {
        Files.write(root.resolve("data.bin"), data);
        Files.writeString(root.resolve("hello.txt"), "Hello, file!\n");
        for (String name : new String[] {"data.bin", "hello.txt"}) {
            Files.setLastModifiedTime(root.resolve(name), FileTime.from(MTIME));
        }
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

    static String slice(byte[] bytes, int first, int last) {
        return new String(Arrays.copyOfRange(bytes, first, last + 1), ISO_8859_1);
    }

    String partial(int first, int last) {
        return "HTTP/1.1 206 Partial Content\r\n" + DATE + DATA_HEAD + "Content-Length: " + (last - first + 1)
                + "\r\nContent-Range: bytes " + first + "-" + last + "/" + SIZE + "\r\n" + validators(SIZE) + "\r\n"
                + slice(data, first, last);
    }

    @Test
    void theFirstHundredBytesGet206WithThoseBytesOnly() throws IOException {
        assertThat(exchange("GET /data.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=0-99\r\n\r\n"))
                .isEqualTo(partial(0, 99) + PLAINTEXT_CLOSE);
    }

    @Test
    void aRangeAcrossSeveralFileChunksIsStreamedExactly() throws IOException {
        assertThat(exchange("GET /data.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=10-90009\r\n\r\n"))
                .isEqualTo(partial(10, 90009) + PLAINTEXT_CLOSE);
    }

    @Test
    void aLastPositionPastTheEndIsClampedToIt() throws IOException {
        assertThat(exchange("GET /data.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=99990-99999999999999999999\r\n\r\n"))
                .isEqualTo(partial(99990, 99999) + PLAINTEXT_CLOSE);
    }

    @Test
    void aRangeStartingAtTheEndGets416WithTheLengthAndTheConnectionStaysOpen() throws IOException {
        String body = "416 Range Not Satisfiable\n";
        assertThat(exchange("GET /data.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=100000-\r\n\r\n"))
                .isEqualTo("HTTP/1.1 416 Range Not Satisfiable\r\n" + DATE + "Content-Range: bytes */100000\r\n"
                        + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: " + body.length() + "\r\n\r\n"
                        + body + PLAINTEXT_CLOSE);
    }

    @Test
    void severalRangesGetTheWholeFile() throws IOException {
        assertThat(exchange("GET /hello.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=0-1,5-6\r\n\r\n"))
                .isEqualTo(helloResponse("") + PLAINTEXT_CLOSE);
    }

    @Test
    void ifRangeMakesTheServerIgnoreRange() throws IOException {
        assertThat(exchange("GET /hello.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=0-4\r\n"
                + "If-Range: Sat, 31 Oct 2026 12:00:00 GMT\r\n\r\n")).isEqualTo(helloResponse("") + PLAINTEXT_CLOSE);
    }

    @Test
    void headIgnoresRangeAndAnswersTheHeadOfTheWholeFile() throws IOException {
        assertThat(exchange("HEAD /hello.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=0-4\r\n\r\n"))
                .isEqualTo(helloResponse("").replace("Hello, file!\n", "") + PLAINTEXT_CLOSE);
    }

    @Test
    void aResumedDownloadJoinsItsPartsIntoTheWholeFile() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI uri = URI.create("http://127.0.0.1:" + server.server().port() + "/data.bin");
        HttpResponse<byte[]> start = client.send(HttpRequest.newBuilder(uri).header("Range", "bytes=0-40000").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(start.statusCode()).isEqualTo(206);
        assertThat(start.headers().firstValue("Content-Range")).contains("bytes 0-40000/100000");
        // What curl -C - sends to resume: the offset of the first byte it does not have.
        HttpResponse<byte[]> rest = client.send(HttpRequest.newBuilder(uri)
                .header("Range", "bytes=" + start.body().length + "-").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(rest.statusCode()).isEqualTo(206);
        assertThat(rest.headers().firstValue("Content-Range")).contains("bytes 40001-99999/100000");
        byte[] whole = new byte[start.body().length + rest.body().length];
        System.arraycopy(start.body(), 0, whole, 0, start.body().length);
        System.arraycopy(rest.body(), 0, whole, start.body().length, rest.body().length);
        assertThat(whole).isEqualTo(data);
    }

    @Test
    void aSuffixRangeGetsTheLastBytes() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI uri = URI.create("http://127.0.0.1:" + server.server().port() + "/data.bin");
        HttpResponse<byte[]> tail = client.send(HttpRequest.newBuilder(uri).header("Range", "bytes=-500").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(tail.statusCode()).isEqualTo(206);
        assertThat(tail.headers().firstValue("Content-Range")).contains("bytes 99500-99999/100000");
        assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(data, 99500, SIZE));
    }
}
