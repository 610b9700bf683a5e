package io.asyncio4j.combinators;

import io.asyncio4j.AsyncFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Ports of CPython's test_queues, plus the hand-over races of a multi-threaded queue. */
class AsyncQueueTest {

    @Test
    void capacityMustBePositive() {
        assertThatThrownBy(() -> AsyncQueue.fifo(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unbounded");
        assertThatThrownBy(() -> AsyncQueue.lifo(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AsyncQueue.<Integer>priority(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nullItemsAreRefused() {
        AsyncQueue<String> q = AsyncQueue.fifo(1);
        assertThatThrownBy(() -> q.put(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> q.offer(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void emptyAndFull() { // test_empty, test_full
        AsyncQueue<Integer> q = AsyncQueue.fifo(1);
        assertThat(q.isEmpty()).isTrue();
        assertThat(q.isFull()).isFalse();
        assertThat(q.put(1)).isCompleted();
        assertThat(q.isEmpty()).isFalse();
        assertThat(q.isFull()).isTrue();
        assertThat(q.get().join()).isEqualTo(1);
        assertThat(q.isEmpty()).isTrue();
    }

    @Test
    void fifoOrder() { // QueueBasicTests.test_order
        assertThat(drainAfterPutting(AsyncQueue.fifo(3), 1, 3, 2)).containsExactly(1, 3, 2);
    }

    @Test
    void lifoOrder() { // LifoQueueTests.test_order
        assertThat(drainAfterPutting(AsyncQueue.lifo(3), 1, 3, 2)).containsExactly(2, 3, 1);
    }

    @Test
    void priorityOrder() { // PriorityQueueTests.test_order
        assertThat(drainAfterPutting(AsyncQueue.priority(3), 1, 3, 2)).containsExactly(1, 2, 3);
        assertThat(drainAfterPutting(AsyncQueue.priority(3, Comparator.reverseOrder()), 1, 3, 2))
                .containsExactly(3, 2, 1);
    }

    private static List<Integer> drainAfterPutting(AsyncQueue<Integer> q, Integer... items) {
        for (Integer i : items) {
            assertThat(q.put(i)).isCompleted();
        }
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < items.length; i++) {
            out.add(q.get().join());
        }
        return out;
    }

    @Test
    void putWaitsWhileFull() { // test_maxsize, test_blocking_put_wait
        AsyncQueue<Integer> q = AsyncQueue.fifo(2);
        List<Integer> havePut = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int item = i;
            q.put(i).thenRun(() -> havePut.add(item));
        }
        assertThat(havePut).containsExactly(0, 1);
        assertThat(q.waitingPutters()).isEqualTo(1);

        assertThat(q.get().join()).isZero();

        assertThat(havePut).containsExactly(0, 1, 2);
        assertThat(q.get().join()).isEqualTo(1);
        assertThat(q.get().join()).isEqualTo(2);
    }

    @Test
    void getWaitsWhileEmpty() { // test_blocking_get_wait, test_put_with_waiting_getters
        AsyncQueue<String> q = AsyncQueue.fifo(1);
        AsyncFuture<String> t = q.get();
        assertThat(t).isNotDone();
        q.put("a");
        assertThat(t).isCompletedWithValue("a");
        assertThat(q.size()).isZero();
    }

    @Test
    void offerAndPollNeverWait() { // test_nonblocking_put/get and their exceptions
        AsyncQueue<Integer> q = AsyncQueue.fifo(1);
        assertThat(q.poll()).isNull();
        assertThat(q.offer(1)).isTrue();
        assertThat(q.offer(2)).isFalse();
        assertThat(q.poll()).isEqualTo(1);
        assertThat(q.poll()).isNull();
    }

    @Test
    void getWithWaitingPuttersWakesThemInOrder() { // test_get_with_waiting_putters
        AsyncQueue<String> q = AsyncQueue.fifo(1);
        q.put("a");
        AsyncFuture<Void> putB = q.put("b");
        assertThat(q.get().join()).isEqualTo("a");
        assertThat(putB).isCompleted();
        assertThat(q.get().join()).isEqualTo("b");
    }

    @Test
    void aCancelledGetterDoesNotTakeTheNextItem() { // test_get_cancelled_race
        AsyncQueue<String> q = AsyncQueue.fifo(1);
        AsyncFuture<String> t1 = q.get();
        AsyncFuture<String> t2 = q.get();
        t1.cancel(false);
        assertThat(q.waitingGetters()).isEqualTo(1);
        q.put("a");
        assertThat(t2).isCompletedWithValue("a");
    }

    @Test
    void cancellingAGetterThatReceivedItsItemLosesNothing() { // test_get_cancel_drop_one_pending_reader
        AsyncQueue<Integer> q = AsyncQueue.fifo(5);
        AsyncFuture<Integer> reader = q.get();
        q.put(1);
        q.put(2);
        assertThat(reader.cancel(false)).isFalse();
        assertThat(reader).isCompletedWithValue(1);
        assertThat(q.get().join()).isEqualTo(2);
    }

    @Test
    void aGetterCancelledAsItIsWokenPassesItsItemToTheNext() { // test_get_cancel_drop_many_pending_readers
        AsyncQueue<Integer> q = AsyncQueue.fifo(5);
        AsyncFuture<Integer> r1 = q.get();
        AsyncFuture<Integer> r2 = q.get();
        AsyncFuture<Integer> r3 = q.get();

        Wakeups.run(() -> { // inside a wake-up the hand-overs are queued, so the cancel wins the race
            q.put(1);
            q.put(2);
            r1.cancel(false);
        });

        assertThat(r1).isCancelled();
        assertThat(Set.of(r2.join(), r3.join())).containsExactlyInAnyOrder(1, 2);
        assertThat(q.size()).isZero();
        assertThat(q.unfinishedTasks()).isEqualTo(2);
    }

    @Test
    void theItemOfAGetterCancelledAsItIsWokenGoesBackToTheHead() {
        AsyncQueue<Integer> q = AsyncQueue.fifo(3);
        AsyncFuture<Integer> r1 = q.get();

        Wakeups.run(() -> {
            q.put(1);
            assertThat(q.isFull()).isFalse(); // the item in transit occupies one of three slots
            q.put(2);
            r1.cancel(false);
        });

        assertThat(q.poll()).isEqualTo(1);
        assertThat(q.poll()).isEqualTo(2);
    }

    @Test
    void anItemGivenBackToAFullQueueWaitsAtTheHeadOfThePutters() {
        AsyncQueue<Integer> q = AsyncQueue.fifo(1);
        AsyncFuture<Integer> r1 = q.get();
        AsyncFuture<Void>[] puts = new AsyncFuture[2];

        Wakeups.run(() -> {
            q.put(1); // handed to r1; it occupies no slot
            puts[0] = q.put(2); // fills the queue
            puts[1] = q.put(3); // waits
            r1.cancel(false); // 1 comes back to a full queue
        });

        assertThat(q.size()).isEqualTo(1); // never more than the capacity
        assertThat(puts[0]).isCompleted();
        assertThat(puts[1]).isNotDone();
        assertThat(q.poll()).isEqualTo(2);
        assertThat(q.poll()).isEqualTo(1); // accepted before 3, so it goes in first
        assertThat(puts[1]).isCompleted();
        assertThat(q.poll()).isEqualTo(3);
        assertThat(q.unfinishedTasks()).isEqualTo(3);
    }

    @Test
    void aGetterContinuationSeesItsItemGone() {
        AsyncQueue<Integer> q = AsyncQueue.fifo(1);
        AsyncFuture<Boolean> offeredAgain = q.get().thenApply(item -> q.offer(item + 1));
        q.offer(1);
        assertThat(offeredAgain).isCompletedWithValue(true);
        assertThat(q.poll()).isEqualTo(2);
    }

    static Stream<Arguments> queueKinds() {
        return Stream.of(
                Arguments.of("fifo", (IntFunction<AsyncQueue<Integer>>) AsyncQueue::fifo),
                Arguments.of("lifo", (IntFunction<AsyncQueue<Integer>>) AsyncQueue::lifo),
                Arguments.of("priority", (IntFunction<AsyncQueue<Integer>>) AsyncQueue::<Integer>priority));
    }

    /** What a woken put's continuation sees: asyncio's qsize(), full(), the unfinished tasks, get_nowait(). */
    private static Function<Void, List<Object>> observe(AsyncQueue<Integer> q) {
        return put -> List.of(q.size(), q.isFull(), q.unfinishedTasks(), String.valueOf(q.poll()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("queueKinds")
    void aPutWokenByAGetHasItsItemInTheQueueWhenItsContinuationRuns(String kind,
                                                                     IntFunction<AsyncQueue<Integer>> make) {
        // CPython 3.12: after `await q.put(2)` in a task woken by `await q.get()`, qsize 1, full, 2 tasks, get_nowait 2
        AsyncQueue<Integer> q = make.apply(1);
        q.put(1);
        AsyncFuture<List<Object>> seen = q.put(2).thenApply(observe(q));

        assertThat(q.get()).isCompletedWithValue(1);

        assertThat(seen).isCompletedWithValue(List.of(1, true, 2L, "2"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("queueKinds")
    void aPutWokenByAPollHasItsItemInTheQueueWhenItsContinuationRuns(String kind,
                                                                      IntFunction<AsyncQueue<Integer>> make) {
        AsyncQueue<Integer> q = make.apply(1);
        q.put(1);
        AsyncFuture<List<Object>> seen = q.put(2).thenApply(observe(q));

        assertThat(q.poll()).isEqualTo(1);

        assertThat(seen).isCompletedWithValue(List.of(1, true, 2L, "2"));
    }

    @Test
    void eachPutOfAChainOfWokenPutsSeesItsOwnItemInTheQueue() {
        AsyncQueue<Integer> q = AsyncQueue.fifo(1);
        q.put(1);
        AsyncFuture<List<Object>> second = q.put(2).thenApply(observe(q)); // its poll wakes the third
        AsyncFuture<List<Object>> third = q.put(3).thenApply(observe(q));

        assertThat(q.get()).isCompletedWithValue(1);

        assertThat(second).isCompletedWithValue(List.of(1, true, 2L, "2"));
        assertThat(third).isCompletedWithValue(List.of(1, true, 3L, "3"));
    }

    @Test
    void aPutGivenTheSlotOfAPutterCancelledAsItWasWokenSeesItsItemInTheQueue() {
        AsyncQueue<Integer> q = AsyncQueue.fifo(1);
        q.put(1);
        AsyncFuture<Void> cancelled = q.put(2);
        AsyncFuture<List<Object>> next = q.put(3).thenApply(observe(q));

        Wakeups.run(() -> {
            assertThat(q.poll()).isEqualTo(1); // wakes the put of 2; its admission is queued behind this wake-up
            assertThat(cancelled.cancel(false)).isTrue();
        });

        assertThat(next).isCompletedWithValue(List.of(1, true, 2L, "3")); // 1 and 3; the cancelled 2 never counted
    }

    @Test
    void aPutBehindAWokenPutterWaitsItsTurn() {
        AsyncQueue<Integer> q = AsyncQueue.fifo(2);
        q.offer(1);
        q.offer(2);
        AsyncFuture<Void> p3 = q.put(3);

        Wakeups.run(() -> {
            assertThat(q.poll()).isEqualTo(1); // wakes p3; its admission is queued behind this wake-up
            assertThat(q.offer(4)).isFalse(); // a slot is free, but p3 is ahead
        });

        assertThat(p3).isCompleted();
        assertThat(q.poll()).isEqualTo(2);
        assertThat(q.poll()).isEqualTo(3);
    }

    @Test
    void cancellingAPutterThatWasAdmittedLosesNothing() { // test_put_cancel_drop
        AsyncQueue<Integer> q = AsyncQueue.fifo(1);
        q.put(1);
        AsyncFuture<Void> writer = q.put(2);
        assertThat(q.poll()).isEqualTo(1);
        assertThat(writer.cancel(false)).isFalse();
        assertThat(q.poll()).isEqualTo(2);
        assertThat(q.size()).isZero();
    }

    @Test
    void aPutterCancelledAsItIsWokenNeverEnqueuesAndPassesItsSlotOn() {
        AsyncQueue<Integer> q = AsyncQueue.fifo(1);
        q.put(1);
        AsyncFuture<Void> p1 = q.put(2);
        AsyncFuture<Void> p2 = q.put(3);

        Wakeups.run(() -> {
            assertThat(q.poll()).isEqualTo(1);
            assertThat(p1.cancel(false)).isTrue();
        });

        assertThat(p1).isCancelled();
        assertThat(p2).isCompleted();
        assertThat(q.poll()).isEqualTo(3);
        assertThat(q.poll()).isNull();
        assertThat(q.unfinishedTasks()).isEqualTo(2); // 1 and 3; never 2
    }

    @Test
    void cancelledPutterLeavesTheQueue() { // test_put_cancelled_race, test_cancelled_puts_not_being_held
        AsyncQueue<String> q = AsyncQueue.fifo(1);
        AsyncFuture<Void> putA = q.put("a");
        AsyncFuture<Void> putB = q.put("b");
        AsyncFuture<Void> putX = q.put("X");
        assertThat(putA).isCompleted();
        assertThat(putB).isNotDone();

        putX.cancel(false);
        assertThat(q.waitingPutters()).isEqualTo(1);
        assertThat(q.poll()).isEqualTo("a");
        assertThat(q.poll()).isEqualTo("b");
        assertThat(putB).isCompleted();
        assertThat(q.poll()).isNull();
    }

    @Test
    void aGetThatTimesOutInWaitForLeavesTheQueue() throws Exception { // test_cancelled_getters_... wait_for
        AsyncQueue<String> q = AsyncQueue.fifo(5);
        AsyncFuture<String> timed = Async.waitFor(q.get(), Duration.ofMillis(5));
        assertThatThrownBy(timed::join).hasCauseInstanceOf(TimeoutException.class);
        q.put("a"); // skips the timed-out getter even if its removal (on the timer thread) is still running
        assertThat(q.poll()).isEqualTo("a");
        BridgeQueueTest.awaitTrue(() -> q.waitingGetters() == 0);
    }

    @Test
    void cancelledGetterLeavesTheQueue() { // test_cancelled_getters_not_being_held_in_self_getters
        AsyncQueue<String> q = AsyncQueue.fifo(5);
        q.get().cancel(false);
        assertThat(q.waitingGetters()).isZero();
    }

    @Test
    void producerAndConsumerMeetThroughASmallQueue() { // test_why_are_getters_waiting/putters_waiting
        AsyncQueue<Integer> q = AsyncQueue.fifo(1);
        AtomicInteger next = new AtomicInteger();
        List<Integer> got = new ArrayList<>();
        AsyncFuture<Void> producer = Async.whileTrue(() -> {
            int i = next.getAndIncrement();
            return i < 100 ? q.put(i).thenApply(v -> true) : CompletableFuture.completedFuture(false);
        });
        AsyncFuture<Void> consumer = Async.whileTrue(() -> q.get().thenApply(i -> got.add(i) && got.size() < 100));
        assertThat(producer).isCompleted();
        assertThat(consumer).isCompleted();
        assertThat(got).hasSize(100).isSorted();
    }

    @Test
    void taskDoneMoreOftenThanPutFails() { // test_task_done_underflow
        AsyncQueue<Integer> q = AsyncQueue.fifo(1);
        assertThatThrownBy(q::taskDone).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("taskDone()");
    }

    @Test
    void joinCompletesWhenEveryItemIsDone() { // test_task_done
        for (AsyncQueue<Integer> q : List.of(AsyncQueue.<Integer>fifo(100), AsyncQueue.<Integer>lifo(100),
                AsyncQueue.<Integer>priority(100))) {
            for (int i = 0; i < 100; i++) {
                q.offer(i);
            }
            AsyncFuture<Void> joined = q.join();
            int sum = 0;
            for (int i = 0; i < 100; i++) {
                assertThat(joined).isNotDone();
                sum += q.poll();
                q.taskDone();
            }
            assertThat(joined).isCompleted();
            assertThat(sum).isEqualTo(4950);
        }
    }

    @Test
    void joinOnAnEmptyQueueCompletesAtOnce() { // test_join_empty_queue
        AsyncQueue<Integer> q = AsyncQueue.fifo(1);
        assertThat(q.join()).isCompleted();
        assertThat(q.join()).isCompleted();
    }

    @Test
    void cancelledJoinLeavesOthersWaiting() {
        AsyncQueue<Integer> q = AsyncQueue.fifo(1);
        q.offer(1);
        AsyncFuture<Void> j1 = q.join();
        AsyncFuture<Void> j2 = q.join();
        j1.cancel(false);
        q.poll();
        q.taskDone();
        assertThat(j2).isCompleted();
    }

    @Test
    void shutdownEmptyQueueFailsPutAndGet() { // _QueueShutdownTestMixin.test_empty
        AsyncQueue<String> q = AsyncQueue.fifo(1);
        q.shutdown(false);
        assertThat(q.isShutdown()).isTrue();
        assertThatThrownBy(() -> q.put("data").join()).hasCauseInstanceOf(QueueShutdownException.class);
        assertThatThrownBy(() -> q.get().join()).hasCauseInstanceOf(QueueShutdownException.class);
        assertThatThrownBy(() -> q.offer("data")).isInstanceOf(QueueShutdownException.class);
    }

    @Test
    void shutdownLetsGetsDrainTheItemsLeft() { // test_nonempty
        AsyncQueue<String> q = AsyncQueue.fifo(1);
        q.put("data");
        q.shutdown(false);
        assertThat(q.get().join()).isEqualTo("data");
        assertThatThrownBy(() -> q.get().join()).hasCauseInstanceOf(QueueShutdownException.class);
    }

    @Test
    void immediateShutdownDiscardsTheItemsAndFinishesTheirTasks() { // test_immediate
        AsyncQueue<String> q = AsyncQueue.fifo(2);
        q.put("data");
        q.put("more");
        AsyncFuture<Void> joined = q.join();
        q.shutdown(true);
        assertThatThrownBy(() -> q.get().join()).hasCauseInstanceOf(QueueShutdownException.class);
        assertThat(q.poll()).isNull();
        assertThat(joined).isCompleted();
        assertThat(q.unfinishedTasks()).isZero();
    }

    @Test
    void shutdownFailsWaitingGettersAndPutters() {
        AsyncQueue<String> empty = AsyncQueue.fifo(1);
        AsyncFuture<String> getter = empty.get();
        AsyncQueue<String> full = AsyncQueue.fifo(1);
        full.put("a");
        AsyncFuture<Void> putter = full.put("b");

        empty.shutdown(false);
        full.shutdown(false);

        assertThatThrownBy(getter::join).hasCauseInstanceOf(QueueShutdownException.class);
        assertThatThrownBy(putter::join).hasCauseInstanceOf(QueueShutdownException.class);
        assertThat(full.get().join()).isEqualTo("a");
        assertThat(full.poll()).isNull();
    }

    @Test
    void aLongChainOfGettersDoesNotGrowTheStack() {
        AsyncQueue<Integer> q = AsyncQueue.fifo(1);
        int n = 100_000;
        AtomicInteger received = new AtomicInteger();
        for (int i = 0; i < n; i++) {
            q.get().thenAccept(item -> {
                received.incrementAndGet();
                q.offer(item + 1); // straight to the next getter
            });
        }
        q.offer(0);
        assertThat(received).hasValue(n);
        assertThat(q.poll()).isEqualTo(n);
    }

    @Test
    void everyItemIsDeliveredExactlyOnceUnderRepeatedCancellation() {
        AsyncQueue<Integer> q = AsyncQueue.fifo(2);
        Set<Integer> got = new HashSet<>();
        List<AsyncFuture<Integer>> getters = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            getters.add(q.get());
        }
        Wakeups.run(() -> {
            for (int i = 0; i < 6; i++) {
                q.offer(i);
            }
            for (int i = 0; i < 10; i += 2) {
                getters.get(i).cancel(false);
            }
        });
        for (AsyncFuture<Integer> g : getters) {
            if (!g.isCancelled() && g.isDone()) {
                assertThat(got.add(g.join())).isTrue();
            }
        }
        for (Integer left = q.poll(); left != null; left = q.poll()) {
            assertThat(got.add(left)).isTrue();
        }
        assertThat(got).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
    }

    @Test
    void toStringShowsTheState() {
        AsyncQueue<Integer> q = AsyncQueue.fifo(2);
        q.get();
        assertThat(q).hasToString("AsyncQueue[capacity=2, size=0, getters=1]");
        q.shutdown(false);
        assertThat(q).hasToString("AsyncQueue[capacity=2, size=0, shut_down]");
    }
}
