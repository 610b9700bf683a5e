package io.asyncio4j.samples.tour;

import io.asyncio4j.AsyncFuture;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tour's queue schedules its waiters as asyncio's {@code Queue} does: wake-ups run on the loop, a woken getter
 * takes its item only then (the item counts against the capacity until it does), a waiter cancelled after it was
 * woken passes its wake-up on, and {@code join} completes through the loop. The loop here is a list of tasks the
 * test runs by hand, so every interleaving is chosen, not timed.
 */
class TourQueueTest {

    /** A single-threaded loop whose tasks run only when the test says so. */
    static final class ManualLoop implements Executor {
        final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        void runAll() {
            for (Runnable t; (t = tasks.poll()) != null; ) {
                t.run();
            }
        }
    }

    final ManualLoop loop = new ManualLoop();

    @Test
    void aWokenGettersItemCountsAgainstTheCapacityUntilTheGetterRuns() {
        TourQueue<String> q = new TourQueue<>(1, loop);
        AsyncFuture<String> got = q.get();
        assertThat(q.put("a")).isDone();               // stored, and the getter's wake-up queued on the loop
        assertThat(got).isNotDone();
        assertThat(q.isFull()).isTrue();
        assertThat(q.offer("x")).isFalse();
        AsyncFuture<Void> second = q.put("b");          // waits, as asyncio's put on a full queue
        assertThat(second).isNotDone();

        loop.runAll();                                  // the getter takes "a"; the putter, woken, puts "b"
        assertThat(got).isCompletedWithValue("a");
        assertThat(second).isDone();
        assertThat(q.poll()).isEqualTo("b");
        assertThat(q.isEmpty()).isTrue();
    }

    @Test
    void aWokenPutsContinuationSeesItsItemInTheQueue() {
        // CPython: after `await q.put(2)` in a task woken by `await q.get()`, qsize 1, full, 2 tasks, get_nowait 2
        TourQueue<Integer> q = new TourQueue<>(1, loop);
        q.put(1);
        AsyncFuture<List<Object>> seen = q.put(2)
                .thenApply(put -> List.of(q.size(), q.isFull(), q.unfinishedTasks(), String.valueOf(q.poll())));

        assertThat(q.get()).isCompletedWithValue(1);
        loop.runAll();

        assertThat(seen).isCompletedWithValue(List.of(1, true, 2L, "2"));
    }

    @Test
    void aNewGetTakesAStoredItemBeforeTheWokenGetterRunsWhichThenWaitsAgain() {
        TourQueue<String> q = new TourQueue<>(2, loop);
        AsyncFuture<String> first = q.get();
        q.put("a");
        assertThat(q.poll()).isEqualTo("a");            // asyncio's get_nowait takes it before the woken getter runs
        loop.runAll();
        assertThat(first).isNotDone();                  // found the queue empty: waits again
        q.put("b");
        loop.runAll();
        assertThat(first).isCompletedWithValue("b");
    }

    @Test
    void aGetterCancelledAfterItWasWokenPassesTheWakeUpOn() {
        TourQueue<String> q = new TourQueue<>(2, loop);
        AsyncFuture<String> cancelled = q.get();
        AsyncFuture<String> next = q.get();
        q.put("a");
        assertThat(cancelled.cancel(false)).isTrue();
        loop.runAll();
        assertThat(next).isCompletedWithValue("a");
        assertThat(q.isEmpty()).isTrue();
    }

    @Test
    void aPutterCancelledAfterItWasWokenPassesTheRoomOnAndNeverPutsItsItem() {
        TourQueue<String> q = new TourQueue<>(1, loop);
        q.put("a");
        AsyncFuture<Void> cancelled = q.put("dropped");
        AsyncFuture<Void> next = q.put("b");
        assertThat(q.poll()).isEqualTo("a");            // room: the first putter's wake-up is queued
        assertThat(cancelled.cancel(false)).isTrue();
        loop.runAll();
        assertThat(next).isDone();
        assertThat(q.poll()).isEqualTo("b");
        assertThat(q.poll()).isNull();
        assertThat(q.unfinishedTasks()).isEqualTo(2);    // "a" and "b": the cancelled put never counted
    }

    @Test
    void joinCompletesThroughTheLoop() {
        TourQueue<String> q = new TourQueue<>(1, loop);
        q.put("a");
        AsyncFuture<Void> joined = q.join();
        assertThat(q.poll()).isEqualTo("a");
        q.taskDone();
        assertThat(joined).isNotDone();
        loop.runAll();
        assertThat(joined).isDone();
    }

    @Test
    void theProducerAndConsumersInterleaveAsInAsyncio() {
        // the queue recipe without its sleeps: two consumers, a queue of two, six items and two stop signals
        TourQueue<Integer> q = new TourQueue<>(2, loop);
        List<String> lines = new ArrayList<>();
        for (int n = 0; n < 2; n++) {
            int consumer = n;
            loop.execute(() -> consume(consumer, q, lines));
        }
        loop.execute(() -> produce(0, q, lines));
        loop.runAll();
        assertThat(lines).containsExactly("c0 waits", "c1 waits", "added 0", "added 1", "c0 has 0", "c1 has 1",
                "added 2", "added 3", "c0 waits", "c0 has 2", "c1 waits", "c1 has 3", "added 4", "added 5",
                "c0 waits", "c0 has 4", "c1 waits", "c1 has 5", "added -1", "added -1", "c0 waits", "c0 has -1",
                "c1 waits", "c1 has -1");
    }

    private void consume(int n, TourQueue<Integer> q, List<String> lines) {
        lines.add("c" + n + " waits");
        q.get().thenAccept(item -> {
            lines.add("c" + n + " has " + item);
            if (item >= 0) {
                loop.execute(() -> consume(n, q, lines)); // asyncio.sleep(0): one turn of the loop
            }
        });
    }

    private void produce(int i, TourQueue<Integer> q, List<String> lines) {
        if (i == 8) {
            return;
        }
        int item = i < 6 ? i : -1;
        q.put(item).thenRun(() -> {
            lines.add("added " + item);
            produce(i + 1, q, lines);
        });
    }
}
