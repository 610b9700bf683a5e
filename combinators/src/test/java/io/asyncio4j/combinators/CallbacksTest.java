package io.asyncio4j.combinators;

import io.asyncio4j.AsyncFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.asyncio4j.combinators.Outcomes.failure;
import static io.asyncio4j.combinators.Outcomes.value;
import static org.assertj.core.api.Assertions.assertThat;

/** callSoon / callLater / callAt handles, runInExecutor, and the rule that nothing runs on the timer thread. */
class CallbacksTest {

    private final ExecutorService callbacks = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "callbacks-cb");
        t.setDaemon(true);
        return t;
    });
    private final AsyncTimer timer = AsyncTimer.create("callbacks-timer", callbacks);

    @AfterEach
    void closeTimer() {
        timer.close();
    }

    @Test
    void callSoonRunsOnTheCallbackExecutor() {
        CompletableFuture<String> thread = new CompletableFuture<>();
        Async.callSoon(() -> thread.complete(Thread.currentThread().getName()), timer);
        assertThat(value(thread)).isEqualTo("callbacks-cb");
    }

    @Test
    void aCancelledCallSoonNeverRuns() throws InterruptedException {
        CountDownLatch block = new CountDownLatch(1);
        Async.callSoon(() -> awaitQuietly(block), timer);
        AtomicBoolean ran = new AtomicBoolean();
        TimerHandle h = Async.callSoon(() -> ran.set(true), timer);

        assertThat(h.cancel()).isTrue();
        assertThat(h.isCancelled()).isTrue();
        block.countDown();
        CompletableFuture<Void> after = new CompletableFuture<>();
        Async.callSoon(() -> after.complete(null), timer);
        value(after);
        assertThat(ran).isFalse();
    }

    @Test
    void callLaterAndCallAtRunOnTheCallbackExecutorNeverOnTheTimerThread() {
        CompletableFuture<String> later = new CompletableFuture<>();
        CompletableFuture<String> at = new CompletableFuture<>();
        Async.callLater(Duration.ofMillis(1), () -> later.complete(Thread.currentThread().getName()), timer);
        Async.callAt(timer.nanoTime(), () -> at.complete(Thread.currentThread().getName()), timer);
        assertThat(value(later)).isEqualTo("callbacks-cb");
        assertThat(value(at)).isEqualTo("callbacks-cb");
    }

    @Test
    void aCancelledCallLaterLeavesTheTimerAndNeverRuns() {
        AtomicBoolean ran = new AtomicBoolean();
        TimerHandle h = Async.callLater(Duration.ofHours(1), () -> ran.set(true), timer);
        assertThat(timer.pendingTasks()).isEqualTo(1);
        assertThat(h.cancel()).isTrue();
        assertThat(timer.pendingTasks()).isZero();
        assertThat(ran).isFalse();
    }

    @Test
    void sleepContinuationsRunOnTheCallbackExecutor() {
        CountDownLatch block = new CountDownLatch(1);
        Async.callSoon(() -> awaitQuietly(block), timer);
        // The single callback thread is busy, so the sleep cannot complete before the continuation is attached.
        CompletableFuture<String> thread = timer.sleep(Duration.ZERO)
                .thenApply(v -> Thread.currentThread().getName());
        block.countDown();
        assertThat(value(thread)).isEqualTo("callbacks-cb");
    }

    @Test
    void runInExecutorRelaysTheValueOrTheException() {
        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            assertThat(value(Async.runInExecutor(pool, () -> "blocking result"))).isEqualTo("blocking result");
            assertThat(failure(Async.runInExecutor(pool, () -> {
                throw new IOException("disk");
            }))).isInstanceOf(IOException.class).hasMessage("disk");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void cancellingRunInExecutorInterruptsTheWorker() throws InterruptedException {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            CountDownLatch started = new CountDownLatch(1);
            CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
            AsyncFuture<String> r = Async.runInExecutor(pool, () -> {
                started.countDown();
                try {
                    new CountDownLatch(1).await();
                    return "never";
                } catch (InterruptedException e) {
                    interrupted.complete(true);
                    throw e;
                }
            });
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

            r.cancel(true);

            assertThat(r).isCancelled();
            assertThat(value(interrupted)).isTrue();
            // The interrupt does not leak into the worker's next task.
            assertThat(value(Async.runInExecutor(pool, () -> Thread.currentThread().isInterrupted()))).isFalse();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void cancellingRunInExecutorBeforeItStartsKeepsItFromRunning() throws InterruptedException {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            CountDownLatch block = new CountDownLatch(1);
            pool.execute(() -> awaitQuietly(block));
            AtomicBoolean ran = new AtomicBoolean();
            AsyncFuture<Boolean> r = Async.runInExecutor(pool, () -> {
                ran.set(true);
                return true;
            });
            r.cancel(false);
            block.countDown();
            value(Async.runInExecutor(pool, () -> null));
            assertThat(ran).isFalse();
            assertThat(failure(r)).isInstanceOf(CancellationException.class);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRejectingExecutorFailsTheResult() {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        pool.shutdown();
        assertThat(failure(Async.runInExecutor(pool, () -> 1))).isInstanceOf(RejectedExecutionException.class);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
