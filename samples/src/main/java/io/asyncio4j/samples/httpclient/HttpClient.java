package io.asyncio4j.samples.httpclient;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.Connection;
import io.asyncio4j.ConnectionOptions;
import io.asyncio4j.TlsOptions;
import io.asyncio4j.nio.EventLoop;
import io.asyncio4j.samples.cli.TlsFailures;
import io.asyncio4j.samples.http.BodyFraming;
import io.asyncio4j.samples.http.BodyReader;
import io.asyncio4j.samples.http.HeadWriter;
import io.asyncio4j.samples.http.HttpException;
import io.asyncio4j.samples.http.HttpHeaders;
import io.asyncio4j.samples.http.HttpLimits;
import io.asyncio4j.samples.http.ResponseHead;
import io.asyncio4j.samples.http.ResponseReader;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * A one-request HTTP/1.1 client as one pipeline: connect (over TLS for {@code https}), send
 * {@code GET} with {@code Host} and {@code Connection: close}, read the response head, stream the body
 * (Content-Length, chunked or until close) to a handler, close.
 */
public final class HttpClient {

    /** The client's bounds: the codec's defaults with a 1 GiB body (bodies are streamed, never held). */
    public static final HttpLimits LIMITS = HttpLimits.defaults().withMaxBodyBytes(1L << 30);

    private HttpClient() {
    }

    /** What to do with a response as it arrives. */
    public interface ResponseHandler {

        /**
         * Takes the response head, before any body byte.
         *
         * @param head the final response head
         */
        void head(ResponseHead head);

        /**
         * Takes the next piece of the decoded body.
         *
         * @param piece bytes the handler owns
         * @return a stage the next piece waits for, or {@code null} to go on at once
         */
        CompletionStage<?> body(ByteBuffer piece);
    }

    /**
     * The outcome of a request.
     *
     * @param head      the response head
     * @param bodyBytes the length of the decoded body
     */
    public record Result(ResponseHead head, long bodyBytes) {
    }

    /**
     * Fetches {@code url} with {@code GET}, checking an {@code https} server against the system's trusted
     * authorities; see {@link #get(EventLoop, String, TlsOptions, HttpLimits, ResponseHandler)}.
     *
     * @param loop    the event loop
     * @param url     an {@code http://} or {@code https://} URL
     * @param limits  the bounds of the response
     * @param handler takes the head, then the body piece by piece
     * @return a future of the result, as the other form says
     */
    public static AsyncFuture<Result> get(EventLoop loop, String url, HttpLimits limits, ResponseHandler handler) {
        return get(loop, url, TlsOptions.client(), limits, handler);
    }

    /**
     * Fetches {@code url} with {@code GET}. An {@code https} URL (port 443 unless it names one) is fetched over
     * TLS with {@code tls}, the URL's host being the name sent (SNI) and checked against the server's certificate
     * unless {@code tls} says otherwise. The server's {@code close_notify} is required where the end of the
     * connection is the end of the body; a body framed by its length or by chunks ends before, so a server that
     * then closes without {@code close_notify} (as many do) does not fail the request.
     *
     * @param loop    the event loop
     * @param url     an {@code http://} or {@code https://} URL
     * @param tls     client TLS options for an {@code https} URL
     * @param limits  the bounds of the response
     * @param handler takes the head, then the body piece by piece
     * @return a future of the result; it fails with {@link IllegalArgumentException} for a URL this client
     *         cannot fetch, with the connect failure (for {@code https}, an {@link javax.net.ssl.SSLException} if
     *         the handshake fails, the server's certificate refused among them), with {@link HttpException} or
     *         {@link EOFException} for a malformed or cut response, with a {@link io.asyncio4j.TlsTruncationException}
     *         for an {@code https} response cut without {@code close_notify}. Cancelling it aborts the connection.
     */
    public static AsyncFuture<Result> get(EventLoop loop, String url, TlsOptions tls, HttpLimits limits,
                                          ResponseHandler handler) {
        URI uri;
        try {
            uri = parse(url);
        } catch (IllegalArgumentException e) {
            return AsyncFuture.failed(e);
        }
        boolean https = uri.getScheme().equalsIgnoreCase("https");
        String target = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        HttpHeaders headers = new HttpHeaders()
                .add("Host", uri.getRawAuthority().substring(uri.getRawAuthority().lastIndexOf('@') + 1))
                .add("User-Agent", "asyncio4j-samples")
                .add("Accept", "*/*")
                .add("Connection", "close");
        byte[] request = HeadWriter.request("GET", target, headers);
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1)
                : uri.getHost();
        ConnectionOptions options = ConnectionOptions.defaults().withTls(https ? tls : null);
        return loop.connect(host, port(uri), options).thenCompose(conn -> exchange(conn, request, limits, handler)
                .whenComplete((result, failure) -> {
                    if (failure == null) {
                        conn.close();
                    } else {
                        conn.abort();
                    }
                }));
    }

    private static AsyncFuture<Result> exchange(Connection conn, byte[] request, HttpLimits limits,
                                                ResponseHandler handler) {
        return conn.write(request)
                .thenCompose(sent -> ResponseReader.readHead(conn, limits))
                .thenCompose(head -> {
                    BodyFraming framing;
                    try {
                        framing = ResponseReader.framing(head, "GET");
                    } catch (HttpException e) {
                        throw new CompletionException(e);
                    }
                    handler.head(head);
                    return BodyReader.stream(conn, framing, limits, handler::body)
                            .thenApply(n -> new Result(head, n));
                });
    }

    /**
     * Checks that {@code url} is an absolute {@code http} or {@code https} URL with a host.
     *
     * @param url the URL
     * @return it parsed
     * @throws IllegalArgumentException if it is not, with a one-line reason
     */
    static URI parse(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException("not an http://host/ or https://host/ URL: " + url);
        }
        return uri;
    }

    /**
     * Returns the port {@code uri} names, or its scheme's.
     *
     * @param uri a URL {@link #parse} accepted
     * @return its port, else 443 for {@code https} and 80 for {@code http}
     */
    static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    /**
     * Describes a failure of {@link #get} in a few words, for one-line error messages.
     *
     * @param failure the failure, possibly wrapped
     * @return the reason
     */
    public static String describe(Throwable failure) {
        Throwable e = failure;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof TimeoutException) {
            return "timeout";
        }
        Optional<String> tls = TlsFailures.describe(e);
        if (tls.isPresent()) {
            return tls.get();
        }
        if (e instanceof CancellationException) {
            return "cancelled";
        }
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        if (e instanceof UnknownHostException) {
            return "unknown host " + e.getMessage();
        }
        if (e instanceof HttpException) {
            return "bad response: " + e.getMessage();
        }
        if (e instanceof IllegalArgumentException || e instanceof EOFException) {
            return e.getMessage();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName()
                : e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
