package io.asyncio4j.combinators;

import io.asyncio4j.AsyncFuture;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The janus-style bridge: threads on the blocking side, futures on the async side, one queue. */
class BridgeQueueTest {

    private static final List<Integer> ZERO_TO_999 = IntStream.range(0, 1000).boxed().collect(Collectors.toList());

    @Test
    void threadsPutAndAsyncCodeGetsInOrder() throws Exception {
        BridgeQueue<Integer> bridge = BridgeQueue.fifo(4);
        List<Integer> got = Collections.synchronizedList(new ArrayList<>());
        AsyncFuture<Void> consumer = Async.whileTrue(() -> bridge.asyncSide().get()
                .thenApply(i -> got.add(i) && got.size() < 1000));
        Thread producer = start(() -> {
            for (int i = 0; i < 1000; i++) {
                bridge.blockingSide().put(i);
            }
        });

        consumer.get(30, TimeUnit.SECONDS);
        producer.join();

        assertThat(got).isEqualTo(ZERO_TO_999);
    }

    @Test
    void asyncCodePutsAndThreadsTakeInOrder() throws Exception {
        BridgeQueue<Integer> bridge = BridgeQueue.fifo(4);
        AtomicInteger next = new AtomicInteger();
        AsyncFuture<Void> producer = Async.whileTrue(() -> {
            int i = next.getAndIncrement();
            return i < 1000 ? bridge.asyncSide().put(i).thenApply(v -> true)
                    : CompletableFuture.completedFuture(false);
        });
        List<Integer> got = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            got.add(bridge.blockingSide().take());
        }
        producer.get(30, TimeUnit.SECONDS);
        assertThat(got).isEqualTo(ZERO_TO_999);
    }

    @Test
    void anAsyncPutWokenByABlockingTakeSeesItsItemInTheQueue() throws Exception {
        BridgeQueue<Integer> bridge = BridgeQueue.fifo(1);
        AsyncQueue<Integer> q = bridge.asyncSide();
        q.put(1);
        AsyncFuture<List<Object>> seen = q.put(2)
                .thenApply(put -> List.of(q.size(), q.isFull(), q.unfinishedTasks(), bridge.blockingSide().poll()));

        assertThat(bridge.blockingSide().take()).isEqualTo(1); // there: takes it at once, and wakes the put

        assertThat(seen).isCompletedWithValue(List.of(1, true, 2L, 2));
    }

    @Test
    void pollThatTimesOutTakesNothing() throws Exception {
        BridgeQueue<String> bridge = BridgeQueue.fifo(1);
        assertThat(bridge.blockingSide().poll(Duration.ofMillis(5))).isNull();
        assertThat(bridge.asyncSide().waitingGetters()).isZero();
        bridge.blockingSide().offer("x");
        assertThat(bridge.blockingSide().poll()).isEqualTo("x");
    }

    @Test
    void offerThatTimesOutPutsNothing() throws Exception {
        BridgeQueue<String> bridge = BridgeQueue.fifo(1);
        assertThat(bridge.blockingSide().offer("a", Duration.ofMillis(5))).isTrue();
        assertThat(bridge.blockingSide().offer("b", Duration.ofMillis(5))).isFalse();
        assertThat(bridge.asyncSide().waitingPutters()).isZero();
        assertThat(bridge.blockingSide().poll()).isEqualTo("a");
        assertThat(bridge.blockingSide().poll()).isNull();
    }

    @Test
    void interruptedTakeTakesNothing() throws Exception {
        BridgeQueue<String> bridge = BridgeQueue.fifo(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread taker = new Thread(() -> {
            try {
                bridge.blockingSide().take();
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        taker.start();
        awaitTrue(() -> bridge.asyncSide().waitingGetters() == 1);

        taker.interrupt();
        taker.join();

        assertThat(failure.get()).isInstanceOf(InterruptedException.class);
        assertThat(bridge.asyncSide().waitingGetters()).isZero();
        bridge.asyncSide().put("x");
        assertThat(bridge.blockingSide().poll()).isEqualTo("x");
    }

    @Test
    void interruptedPutPutsNothing() throws Exception {
        BridgeQueue<String> bridge = BridgeQueue.fifo(1);
        bridge.blockingSide().put("a");
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread putter = new Thread(() -> {
            try {
                bridge.blockingSide().put("b");
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        putter.start();
        awaitTrue(() -> bridge.asyncSide().waitingPutters() == 1);

        putter.interrupt();
        putter.join();

        assertThat(failure.get()).isInstanceOf(InterruptedException.class);
        assertThat(bridge.blockingSide().poll()).isEqualTo("a");
        assertThat(bridge.blockingSide().poll()).isNull();
    }

    @Test
    void anInterruptedThreadStillTakesAnItemThatIsThereAndKeepsItsInterrupt() throws Exception {
        BridgeQueue<String> bridge = BridgeQueue.fifo(1);
        bridge.asyncSide().put("x");
        Thread.currentThread().interrupt();
        try {
            assertThat(bridge.blockingSide().take()).isEqualTo("x");
        } finally {
            assertThat(Thread.interrupted()).isTrue();
        }
    }

    @Test
    void shutdownWakesABlockedTake() throws Exception {
        BridgeQueue<String> bridge = BridgeQueue.fifo(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread taker = new Thread(() -> {
            try {
                bridge.blockingSide().take();
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        taker.start();
        awaitTrue(() -> bridge.asyncSide().waitingGetters() == 1);

        bridge.asyncSide().shutdown(false);
        taker.join();

        assertThat(failure.get()).isInstanceOf(QueueShutdownException.class);
        assertThatThrownBy(() -> bridge.blockingSide().put("y")).isInstanceOf(QueueShutdownException.class);
    }

    @Test
    void blockingJoinReturnsOnceEveryItemIsDone() throws Exception {
        BridgeQueue<Integer> bridge = BridgeQueue.over(AsyncQueue.<Integer>priority(10));
        for (int i = 0; i < 10; i++) {
            bridge.blockingSide().put(9 - i);
        }
        List<Integer> got = Collections.synchronizedList(new ArrayList<>());
        Thread worker = start(() -> {
            for (int i = 0; i < 10; i++) {
                got.add(bridge.blockingSide().take());
                bridge.blockingSide().taskDone();
            }
        });
        bridge.blockingSide().join();
        worker.join();
        assertThat(got).isSorted().hasSize(10);
        assertThat(bridge.blockingSide().size()).isZero();
    }

    interface Body {
        void run() throws Exception;
    }

    private static Thread start(Body body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        t.start();
        return t;
    }

    /** Spins until {@code condition} holds (a state the other thread reaches), failing after 30 s. */
    static void awaitTrue(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached within 30 s");
            }
            Thread.yield();
        }
    }

    @Test
    void eachConsumerThreadTakesOneProducersItemsInTheOrderTheyWerePut() throws Exception {
        // A producer blocked on a full queue is let in by whichever consumer frees a slot; two admissions in
        // flight once stored a later item before an earlier one.
        for (int round = 0; round < 300; round++) {
            BridgeQueue<Integer> q = BridgeQueue.fifo(2 + round % 4);
            BridgeQueue.BlockingSide<Integer> side = q.blockingSide();
            List<List<Integer>> taken = List.of(new ArrayList<>(), new ArrayList<>());
            List<Thread> consumers = new ArrayList<>();
            for (int c = 0; c < 2; c++) {
                List<Integer> mine = taken.get(c);
                Thread t = new Thread(() -> {
                    try {
                        for (int x = side.take(); x >= 0; x = side.take()) {
                            mine.add(x);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                t.start();
                consumers.add(t);
            }
            for (int i = 0; i < 40; i++) {
                side.put(i);
            }
            side.put(-1);
            side.put(-1);
            for (Thread t : consumers) {
                t.join();
            }
            assertThat(taken.get(0)).as("round %d, first consumer", round).isSorted();
            assertThat(taken.get(1)).as("round %d, second consumer", round).isSorted();
            assertThat(taken.get(0).size() + taken.get(1).size()).isEqualTo(40);
        }
    }
}
