package io.asyncio4j.samples.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HttpCodecTest {

    static RequestHead request(String version, String... fields) {
        HttpHeaders h = new HttpHeaders();
        for (int i = 0; i < fields.length; i += 2) {
            h.add(fields[i], fields[i + 1]);
        }
        return new RequestHead("POST", "/", HttpVersion.parse(version), h);
    }

    static ResponseHead response(int status, String... fields) {
        return new ResponseHead(HttpVersion.HTTP_1_1, status, "", request("HTTP/1.1", fields).headers());
    }

    @Test
    void headerNamesAreCaseInsensitiveOrderedAndMultiValued() {
        HttpHeaders h = new HttpHeaders().add("Accept", "a").add("X-Y", "1").add("accept", "b");
        assertThat(h.get("ACCEPT")).isEqualTo("a");
        assertThat(h.getAll("accept")).containsExactly("a", "b");
        assertThat(h.toString()).isEqualTo("Accept: a\r\nX-Y: 1\r\naccept: b\r\n");
        h.set("ACCEPT", "c");
        assertThat(h.toString()).isEqualTo("Accept: c\r\nX-Y: 1\r\n");
        assertThat(new HttpHeaders().add("Connection", "Keep-Alive, Upgrade").containsToken("connection", "upgrade"))
                .isTrue();
    }

    @Test
    void requestFramingFollowsRfc9112Section6_3() throws HttpException {
        assertThat(RequestReader.framing(request("HTTP/1.1"))).isEqualTo(BodyFraming.NONE);
        assertThat(RequestReader.framing(request("HTTP/1.1", "Content-Length", "42")))
                .isEqualTo(BodyFraming.ofLength(42));
        assertThat(RequestReader.framing(request("HTTP/1.1", "Content-Length", "7", "content-length", "7, 7")))
                .isEqualTo(BodyFraming.ofLength(7));
        assertThat(RequestReader.framing(request("HTTP/1.1", "Transfer-Encoding", "chunked")))
                .isEqualTo(BodyFraming.CHUNKED);
        assertThatThrownBy(() -> RequestReader.framing(request("HTTP/1.1", "Transfer-Encoding", "chunked",
                "Content-Length", "1"))).isInstanceOf(HttpException.class).hasMessageContaining("both");
        assertThatThrownBy(() -> RequestReader.framing(request("HTTP/1.1", "Content-Length", "1",
                "Content-Length", "2"))).hasMessageContaining("conflicting");
        assertThatThrownBy(() -> RequestReader.framing(request("HTTP/1.1", "Content-Length", "+1")))
                .hasMessageContaining("invalid");
        assertThatThrownBy(() -> RequestReader.framing(request("HTTP/1.1", "Transfer-Encoding", "gzip")))
                .satisfies(e -> assertThat(((HttpException) e).status()).isEqualTo(501));
    }

    @Test
    void responseFramingKnowsBodilessResponsesAndCloseDelimitedOnes() throws HttpException {
        assertThat(ResponseReader.framing(response(200, "Content-Length", "5"), "HEAD")).isEqualTo(BodyFraming.NONE);
        assertThat(ResponseReader.framing(response(304, "Content-Length", "5"), "GET")).isEqualTo(BodyFraming.NONE);
        assertThat(ResponseReader.framing(response(204), "GET")).isEqualTo(BodyFraming.NONE);
        assertThat(ResponseReader.framing(response(200), "GET")).isEqualTo(BodyFraming.UNTIL_CLOSE);
        assertThat(ResponseReader.framing(response(200, "Transfer-Encoding", "chunked", "Content-Length", "3"),
                "GET")).isEqualTo(BodyFraming.CHUNKED);
        assertThat(ResponseReader.framing(response(200, "Transfer-Encoding", "gzip"), "GET"))
                .isEqualTo(BodyFraming.UNTIL_CLOSE);
        assertThat(ResponseReader.framing(response(200, "Content-Length", "5"), "GET"))
                .isEqualTo(BodyFraming.ofLength(5));
    }

    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(delimiter = '|', value = {
        "''                  | true", "example.com | true", "example.com:8080 | true", "x: | true",
        "127.0.0.1:80        | true", "[::1]:443   | true", "[v1.fe80::a+en1] | true", "a%20b | true",
        "a b                 | false", "a/b        | false", "user@host        | false", "x:80a | false",
        "[::1                | false", "[]          | false", "[::1]x           | false", "a%2 | false",
        "a, b                | false", "caf\u00e9  | false",
    })
    void hostFieldValuesAreAUriHostAndAnOptionalPort(String value, boolean valid) {
        assertThat(Tokens.isHost(value)).isEqualTo(valid);
    }

    @Test
    void versionsParseOnlyInTheirExactForm() {
        assertThat(HttpVersion.parse("HTTP/1.1")).isEqualTo(HttpVersion.HTTP_1_1);
        assertThat(HttpVersion.parse("HTTP/2.0").isSupported()).isFalse();
        assertThat(HttpVersion.parse("http/1.1")).isNull();
        assertThat(HttpVersion.parse("HTTP/1.10")).isNull();
    }

    @Test
    void headWriterEncodesStatusLineDateAndFieldsAndRefusesHeaderInjection() {
        byte[] head = HeadWriter.response(404, new HttpHeaders().add("Content-Length", "0"),
                Instant.parse("2026-11-01T23:02:00Z"));
        assertThat(new String(head, ISO_8859_1)).isEqualTo(
                "HTTP/1.1 404 Not Found\r\nDate: Sun, 01 Nov 2026 23:02:00 GMT\r\nContent-Length: 0\r\n\r\n");
        assertThatThrownBy(() -> HeadWriter.response(200, new HttpHeaders().add("Location", "/x\r\nSet-Cookie: a"),
                Instant.EPOCH)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new String(HeadWriter.request("GET", "/", new HttpHeaders().add("Host", "h")), ISO_8859_1))
                .isEqualTo("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
    }
}
