package io.asyncio4j.samples.pipeline;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.LimitOverrunException;
import io.asyncio4j.Server;
import io.asyncio4j.combinators.Async;
import io.asyncio4j.nio.EventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.EOFException;
import java.net.ProtocolException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

class PipelinedClientTest {

    private static final EventLoop LOOP = EventLoop.defaultLoop();
    private static final long WAIT_SECONDS = 30;

    private final AsyncFuture<Void> release = new AsyncFuture<>();
    private Server server;
    private PipelinedClient client;

    @AfterEach
    void stop() throws Exception {
        release.settle(null);
        if (client != null) {
            client.close().get(WAIT_SECONDS, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.closeGracefully(Duration.ofSeconds(1)).get(WAIT_SECONDS, TimeUnit.SECONDS);
        }
    }

    /**
     * Answers each line L with "reply to L", one line after another; "hold" is answered once {@link #release}
     * completes (and the lines after it wait their turn), "twice" gets one line too many.
     */
    private void startReplyServer() {
        server = LOOP.listen("127.0.0.1", 0, conn -> Async.whileTrue(() -> conn.readLine(1 << 20, UTF_8)
                .thenCompose(line -> {
                    if (line == null) {
                        return AsyncFuture.completed(false);
                    }
                    AsyncFuture<Void> turn = line.equals("hold") ? Async.shield(release) : AsyncFuture.completed(null);
                    String reply = line.equals("twice") ? "reply to twice\nunasked\n" : "reply to " + line + "\n";
                    return turn.thenCompose(go -> conn.write(reply, UTF_8)).thenApply(sent -> true);
                }))).join();
    }

    private void connect(int maxPending, int maxReplyBytes) throws Exception {
        client = PipelinedClient.connect(LOOP, "127.0.0.1", server.port(), maxPending, maxReplyBytes)
                .get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    private static <T> T await(AsyncFuture<T> future) throws Exception {
        return future.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    private static Throwable failureOf(AsyncFuture<?> future) {
        Throwable thrown = catchThrowable(() -> await(future));
        assertThat(thrown).isInstanceOf(ExecutionException.class);
        return thrown.getCause();
    }

    @Test
    void everyRequestIsWrittenBeforeTheFirstReplyAndRepliesComeBackInOrder() throws Exception {
        int n = 100;
        // This server answers nothing until it has read all n requests: a client that waited for each reply
        // before the next request would never get one.
        server = LOOP.listen("127.0.0.1", 0, conn -> {
            List<String> lines = new ArrayList<>();
            return Async.repeat(n, i -> conn.readLine(1024, UTF_8).thenAccept(lines::add))
                    .thenCompose(all -> conn.write(
                            lines.stream().map(line -> "reply to " + line + "\n").collect(Collectors.joining()),
                            UTF_8));
        }).join();
        connect(n, 1024);

        List<AsyncFuture<String>> replies = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            replies.add(client.request("request " + i));
            expected.add("reply to request " + i);
        }

        assertThat(await(Async.gather(replies))).isEqualTo(expected);
    }

    @Test
    void requestsFromManyThreadsEachGetTheirOwnReply() throws Exception {
        startReplyServer();
        int threads = 4;
        int perThread = 250;
        connect(threads * perThread, 1024);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<AsyncFuture<String>>>> sent = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                sent.add(pool.submit(() -> {
                    start.await();
                    List<AsyncFuture<String>> mine = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        mine.add(client.request(thread + "-" + i));
                    }
                    return mine;
                }));
            }
            start.countDown();
            for (int t = 0; t < threads; t++) {
                List<AsyncFuture<String>> mine = sent.get(t).get(WAIT_SECONDS, TimeUnit.SECONDS);
                for (int i = 0; i < perThread; i++) {
                    assertThat(await(mine.get(i))).isEqualTo("reply to " + t + "-" + i);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRequestBeyondTheCapFailsAtOnceAndRepliesFreeTheirPlaces() throws Exception {
        startReplyServer();
        connect(3, 1024);
        AsyncFuture<String> held = client.request("hold");
        AsyncFuture<String> a = client.request("a");
        AsyncFuture<String> b = client.request("b");

        assertThat(failureOf(client.request("c"))).isInstanceOf(RejectedExecutionException.class);

        release.settle(null);
        assertThat(await(held)).isEqualTo("reply to hold");
        assertThat(await(a)).isEqualTo("reply to a");
        assertThat(await(b)).isEqualTo("reply to b");
        assertThat(await(client.request("d"))).isEqualTo("reply to d");
    }

    @Test
    void aReplyGivenUpIsDroppedAndTheNextRequestGetsItsOwn() throws Exception {
        startReplyServer();
        connect(8, 1024);
        AsyncFuture<String> held = Async.waitFor(client.request("hold"), Duration.ofMillis(50), LOOP.timer());
        assertThat(failureOf(held)).isInstanceOf(TimeoutException.class);
        AsyncFuture<String> next = client.request("next");

        release.settle(null);

        assertThat(await(next)).isEqualTo("reply to next");
        assertThat(await(client.request("after"))).isEqualTo("reply to after");
    }

    @Test
    void whenTheServerClosesThePendingRepliesAndLaterRequestsFail() throws Exception {
        // Reads three requests, answers the first, then ends: the server closes the connection.
        server = LOOP.listen("127.0.0.1", 0, conn -> Async.repeat(3, i -> conn.readLine(1024, UTF_8))
                .thenCompose(read -> conn.write("reply to 1\n", UTF_8))).join();
        connect(8, 1024);
        AsyncFuture<String> first = client.request("1");
        AsyncFuture<String> second = client.request("2");
        AsyncFuture<String> third = client.request("3");

        assertThat(await(first)).isEqualTo("reply to 1");
        assertThat(failureOf(second)).isInstanceOf(EOFException.class);
        assertThat(failureOf(third)).isInstanceOf(EOFException.class);
        await(client.closed());
        assertThat(failureOf(client.request("4"))).isInstanceOf(EOFException.class);
    }

    @Test
    void closeFailsThePendingRepliesAndLaterRequests() throws Exception {
        startReplyServer();
        connect(8, 1024);
        AsyncFuture<String> held = client.request("hold");

        await(client.close());

        assertThat(failureOf(held)).isInstanceOf(ClosedChannelException.class);
        assertThat(failureOf(client.request("later"))).isInstanceOf(ClosedChannelException.class);
    }

    @Test
    void aReplyThatNoRequestWaitsForStopsTheClient() throws Exception {
        startReplyServer();
        connect(8, 1024);

        assertThat(await(client.request("twice"))).isEqualTo("reply to twice");
        await(client.closed());

        assertThat(failureOf(client.request("later"))).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("unasked");
    }

    @Test
    void aReplyOverTheLimitFailsEveryPendingRequest() throws Exception {
        startReplyServer();
        connect(8, 64);
        AsyncFuture<String> tooLong = client.request("x".repeat(100));
        AsyncFuture<String> after = client.request("short");

        assertThat(failureOf(tooLong)).isInstanceOf(LimitOverrunException.class);
        assertThat(failureOf(after)).isInstanceOf(LimitOverrunException.class);
    }

    @Test
    void aRequestHoldingALineBreakIsRefused() throws Exception {
        startReplyServer();
        connect(8, 1024);

        assertThatThrownBy(() -> client.request("GET a\r\nGET b")).isInstanceOf(IllegalArgumentException.class);
        assertThat(await(client.request("fine"))).isEqualTo("reply to fine");
    }
}
