package io.asyncio4j.samples.fetch;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.TlsOptions;
import io.asyncio4j.combinators.Async;
import io.asyncio4j.combinators.AsyncSemaphore;
import io.asyncio4j.nio.EventLoop;
import io.asyncio4j.samples.http.ResponseHead;
import io.asyncio4j.samples.httpclient.HttpClient;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Fetches many URLs concurrently: one request per URL, gathered over the list as asyncio's {@code gather} does,
 * each request under {@code waitFor} and at most {@code concurrency} at once behind a semaphore. Bodies are
 * counted, not kept.
 */
public final class Fetch {

    private Fetch() {
    }

    /**
     * How the fetch went.
     *
     * @param ok     URLs that got a response, whatever its status
     * @param failed URLs that got none (timeout, refused, malformed response, unsupported URL)
     * @param millis the wall time of the whole fetch
     */
    public record Summary(int ok, int failed, long millis) {

        /**
         * Returns the summary line.
         *
         * @return {@code fetched N urls: X ok, Y failed in T ms}
         */
        @Override
        public String toString() {
            return "fetched " + (ok + failed) + " urls: " + ok + " ok, " + failed + " failed in " + millis + " ms";
        }
    }

    /**
     * Fetches every URL, checking {@code https} servers against the system's trusted authorities; see
     * {@link #fetchAll(EventLoop, List, TlsOptions, int, Duration, Consumer)}.
     *
     * @param loop        the event loop
     * @param urls        the URLs
     * @param concurrency how many requests may be in flight at once
     * @param timeout     how long each request may take, from when it starts
     * @param out         takes each line; called from the loop's threads, one line at a time
     * @return a future of the summary, completed once every request has completed; it never fails
     */
    public static AsyncFuture<Summary> fetchAll(EventLoop loop, List<String> urls, int concurrency,
                                                Duration timeout, Consumer<String> out) {
        return fetchAll(loop, urls, TlsOptions.client(), concurrency, timeout, out);
    }

    /**
     * Fetches every URL, printing {@code <status> <bytes> <ms> <url>} or {@code ERROR <reason> <url>} through
     * {@code out} as each completes.
     *
     * @param loop        the event loop
     * @param urls        the URLs, {@code http} or {@code https}
     * @param tls         client TLS options for the {@code https} URLs
     * @param concurrency how many requests may be in flight at once
     * @param timeout     how long each request may take, from when it starts, its TLS handshake included
     * @param out         takes each line; called from the loop's threads, one line at a time
     * @return a future of the summary, completed once every request has completed; it never fails
     */
    public static AsyncFuture<Summary> fetchAll(EventLoop loop, List<String> urls, TlsOptions tls, int concurrency,
                                                Duration timeout, Consumer<String> out) {
        long start = System.nanoTime();
        AsyncSemaphore semaphore = new AsyncSemaphore(concurrency);
        List<AsyncFuture<Boolean>> each = new ArrayList<>(urls.size());
        for (String url : urls) {
            each.add(semaphore.withPermit(() -> fetchOne(loop, url, tls, timeout, out)));
        }
        return Async.gather(each).thenApply(oks -> {
            int ok = (int) oks.stream().filter(Boolean::booleanValue).count();
            return new Summary(ok, oks.size() - ok, (System.nanoTime() - start) / 1_000_000);
        });
    }

    private static AsyncFuture<Boolean> fetchOne(EventLoop loop, String url, TlsOptions tls, Duration timeout,
                                                 Consumer<String> out) {
        long start = System.nanoTime();
        long[] bytes = {0};
        HttpClient.ResponseHandler counter = new HttpClient.ResponseHandler() {
            @Override
            public void head(ResponseHead head) {
            }

            @Override
            public CompletionStage<?> body(ByteBuffer piece) {
                bytes[0] += piece.remaining();
                return null;
            }
        };
        return Async.waitFor(HttpClient.get(loop, url, tls, HttpClient.LIMITS, counter), timeout, loop.timer())
                .handle((result, failure) -> {
                    long ms = (System.nanoTime() - start) / 1_000_000;
                    synchronized (out) {
                        out.accept(failure == null
                                ? result.head().status() + " " + result.bodyBytes() + " " + ms + " " + url
                                : "ERROR " + HttpClient.describe(failure) + " " + url);
                    }
                    return failure == null;
                });
    }
}
