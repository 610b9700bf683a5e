package io.asyncio4j.samples.http;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.asyncio4j.AsyncFuture;
import io.asyncio4j.Connection;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the HTTP/1.1 codec over real loopback connections: fuzzer-chosen bytes, written in fuzzer-chosen
 * segments, read by {@link RequestReader} and {@link BodyReader} (a whole request) or by
 * {@link ChunkedBodyReader} (a chunked body), and checked against {@link ReferenceHttp}. Replays
 * {@code HttpCodecFuzzTestInputs/} in every build; {@code JAZZER_FUZZ=1} fuzzes one method at a time.
 */
class HttpCodecFuzzTest {

    /** The hostile corpus's limits: small, so that inputs reach them. */
    private static final HttpLimits REQUEST_LIMITS = new HttpLimits(256, 1024, 10, 64, 1000);
    private static final Set<Integer> REQUEST_STATUSES = Set.of(400, 413, 414, 431, 501, 505);

    @RegisterExtension
    static final LoopbackFeed feed = new LoopbackFeed();

    /** A request head, its body and the bytes left on the connection after them. */
    record Request(RequestHead head, BodyFraming framing, byte[] body, byte[] rest) {
    }

    /**
     * A request (head, framing, body) is read; every outcome is either a documented failure (an
     * {@link HttpException} with a request status, or an {@link EOFException}) or a head that obeys the grammar
     * and limits, ends where {@link ReferenceHttp#headEnd} says, and is followed by exactly its body and then the
     * untouched rest of the input (the framing does not drift: no smuggling).
     *
     * <p>Input layout: byte 0 the number k (low 3 bits) of segment sizes that follow, each 1 + its low 6 bits,
     * cycled (k = 0: one write); the rest is the request.
     */
    @FuzzTest(maxDuration = "3m")
    void requestsParseToTheGrammarAndKeepTheFraming(byte[] input) throws Exception {
        if (input.length == 0) {
            return;
        }
        int[] segments = segments(input, 0);
        byte[] wire = Arrays.copyOfRange(input, Math.min(input.length, 1 + segments.length), input.length);
        LoopbackFeed.Outcome<Request> outcome = feed.feed(wire, segments, HttpCodecFuzzTest::readRequest);

        if (outcome.failure() != null) {
            assertDocumentedFailure(outcome.failure(), REQUEST_STATUSES);
            return;
        }
        Request r = outcome.value();
        if (r == null) {
            assertThat(new String(wire, java.nio.charset.StandardCharsets.ISO_8859_1))
                    .as("a clean end before a request: at most four empty lines").matches("(\r?\n){0,4}");
            return;
        }
        RequestHead head = r.head();
        assertThat(Tokens.isToken(head.method())).as("method %s", head.method()).isTrue();
        assertThat(Tokens.isTarget(head.target())).as("target %s", head.target()).isTrue();
        assertThat(head.version()).isIn(HttpVersion.HTTP_1_0, HttpVersion.HTTP_1_1);
        assertThat(head.headers().size()).isLessThanOrEqualTo(REQUEST_LIMITS.maxHeaderCount());
        head.headers().forEach((name, value) -> {
            assertThat(Tokens.isToken(name)).as("field name %s", name).isTrue();
            assertThat(Tokens.isFieldValue(value)).as("field value %s", value).isTrue();
            assertThat(value).as("field value trimmed").isEqualTo(Tokens.trimOws(value));
        });
        assertThat(head.headers().getAll("Host")).hasSizeLessThanOrEqualTo(1);
        if (head.version().equals(HttpVersion.HTTP_1_1)) {
            assertThat(head.headers().getAll("Host")).hasSize(1);
        }
        int headEnd = ReferenceHttp.headEnd(wire);
        assertThat(headEnd).as("the reference finds the head too").isPositive();
        assertThat(r.body().length).isLessThanOrEqualTo((int) REQUEST_LIMITS.maxBodyBytes());
        int bodyEnd;
        if (r.framing().kind() == BodyFraming.Kind.CHUNKED) {
            ReferenceHttp.Chunked ref = ReferenceHttp.decodeChunked(wire, headEnd, REQUEST_LIMITS);
            assertThat(ref).as("the reference decodes the chunked body too").isNotNull();
            assertThat(r.body()).as("chunked body").isEqualTo(ref.body());
            bodyEnd = ref.end();
        } else {
            assertThat(r.framing().kind()).isEqualTo(BodyFraming.Kind.LENGTH);
            bodyEnd = headEnd + (int) r.framing().length();
            assertThat(r.body()).as("body").isEqualTo(Arrays.copyOfRange(wire, headEnd, bodyEnd));
        }
        assertThat(r.rest()).as("the bytes after the request").isEqualTo(ReferenceHttp.from(wire, bodyEnd));
    }

    /**
     * A chunked body is decoded with fuzzer-chosen limits; the decoder and {@link ReferenceHttp#decodeChunked}
     * agree on whether it is valid and within the limits, on the decoded bytes, and on where the body ends (the
     * bytes after it are left on the connection untouched). Failures are 400, 413, 431 or an end of stream.
     *
     * <p>Input layout: byte 0 the chunk-size line limit (3 + low 6 bits); byte 1 the body limit (4 times it);
     * byte 2 the trailer section's byte limit (8 + 4 times its low 5 bits) and field limit (1 + high 3 bits); byte
     * 3 the number k (low 3 bits) of segment sizes that follow, as for the request target; the rest is the body.
     */
    @FuzzTest(maxDuration = "3m")
    void chunkedBodiesDecodeLikeTheReference(byte[] input) throws Exception {
        if (input.length < 4) {
            return;
        }
        HttpLimits limits = new HttpLimits(256, 8 + 4 * (input[2] & 0x1f), 1 + ((input[2] & 0xff) >>> 5),
                3 + (input[0] & 0x3f), 4 * (input[1] & 0xff));
        int[] segments = segments(input, 3);
        byte[] wire = Arrays.copyOfRange(input, Math.min(input.length, 4 + segments.length), input.length);
        LoopbackFeed.Outcome<byte[][]> outcome = feed.feed(wire, segments, conn -> {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            return ChunkedBodyReader.stream(conn, limits, piece -> {
                body.write(piece.array(), piece.arrayOffset() + piece.position(), piece.remaining());
                return null;
            }).thenCompose(n -> {
                assertThat(n).isEqualTo(body.size());
                return conn.readToEnd(wire.length).thenApply(rest -> new byte[][] {body.toByteArray(), rest});
            });
        });
        ReferenceHttp.Chunked ref = ReferenceHttp.decodeChunked(wire, 0, limits);
        if (outcome.failure() != null) {
            assertDocumentedFailure(outcome.failure(), Set.of(400, 413, 431));
            assertThat(ref).as("the reference decodes what the reader refused (%s)", outcome.failure()).isNull();
            return;
        }
        assertThat(ref).as("the reference refuses what the reader decoded").isNotNull();
        assertThat(outcome.value()[0]).as("decoded body").isEqualTo(ref.body());
        assertThat(outcome.value()[1]).as("the bytes after the body").isEqualTo(ReferenceHttp.from(wire, ref.end()));
    }

    private static AsyncFuture<Request> readRequest(Connection conn) {
        return RequestReader.readHead(conn, REQUEST_LIMITS).thenCompose(head -> {
            if (head == null) {
                return AsyncFuture.completed(null);
            }
            BodyFraming framing;
            try {
                framing = RequestReader.framing(head);
            } catch (HttpException e) {
                throw new CompletionException(e);
            }
            return BodyReader.readAll(conn, framing, REQUEST_LIMITS).thenCompose(body -> conn.readToEnd(1 << 20)
                    .thenApply(rest -> new Request(head, framing, body, rest)));
        });
    }

    private static void assertDocumentedFailure(Throwable failure, Set<Integer> statuses) {
        if (failure instanceof HttpException e) {
            assertThat(e.status()).as("status of %s", e).isIn(statuses);
        } else if (!(failure instanceof EOFException)) {
            throw new AssertionError("undocumented failure", failure);
        }
    }

    /** The segment sizes whose count is the low 3 bits of {@code input[at]}, each 1 + the low 6 bits of a byte. */
    private static int[] segments(byte[] input, int at) {
        int k = at < input.length ? input[at] & 7 : 0;
        int[] sizes = new int[Math.max(0, Math.min(k, input.length - at - 1))];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = 1 + (input[at + 1 + i] & 0x3f);
        }
        return sizes;
    }
}
