package io.asyncio4j.combinators;

import io.asyncio4j.AsyncFuture;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static io.asyncio4j.combinators.Outcomes.failure;
import static io.asyncio4j.combinators.Outcomes.value;
import static org.assertj.core.api.Assertions.assertThat;

/** whileTrue, forEach and repeat: order, failure, cancellation, and stack safety on a small stack. */
class LoopsTest {

    private static final int MANY = 10_000_000;
    private static final AsyncFuture<Boolean> TRUE = AsyncFuture.completed(true);
    private static final AsyncFuture<Boolean> FALSE = AsyncFuture.completed(false);
    private static final AsyncFuture<Object> DONE = AsyncFuture.completed(null);

    /** Runs {@code loop} on a thread with a 256 KiB stack and returns the loop's future. */
    private static <T> CompletableFuture<T> onSmallStack(Supplier<CompletableFuture<T>> loop) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = new Thread(null, () -> {
            try {
                loop.get().whenComplete((v, e) -> {
                    if (e == null) {
                        result.complete(v);
                    } else {
                        result.completeExceptionally(e);
                    }
                });
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "small", 256 * 1024);
        t.start();
        return result;
    }

    @Test
    void whileTrueRunsTenMillionSynchronousIterationsOnASmallStack() {
        AtomicLong n = new AtomicLong();
        CompletableFuture<Void> loop = onSmallStack(() ->
                Async.whileTrue(() -> n.incrementAndGet() < MANY ? TRUE : FALSE));
        value(loop);
        assertThat(n).hasValue(MANY);
    }

    @Test
    void forEachRunsTenMillionSynchronousIterationsOnASmallStack() {
        AtomicLong sum = new AtomicLong();
        CompletableFuture<Void> loop = onSmallStack(() -> Async.forEach(range(MANY), i -> {
            sum.addAndGet(i);
            return DONE;
        }));
        value(loop);
        assertThat(sum).hasValue((long) MANY * (MANY - 1) / 2);
    }

    @Test
    void repeatRunsTenMillionSynchronousIterationsOnASmallStack() {
        AtomicLong count = new AtomicLong();
        CompletableFuture<Void> loop = onSmallStack(() -> Async.repeat(MANY, i -> {
            count.incrementAndGet();
            return null;
        }));
        value(loop);
        assertThat(count).hasValue(MANY);
    }

    @Test
    void forEachRunsInOrderOneIterationAtATime() {
        List<String> events = new ArrayList<>();
        AtomicInteger running = new AtomicInteger();
        AsyncFuture<Void> loop = Async.forEach(List.of("a", "b", "c"), s -> {
            assertThat(running.incrementAndGet()).isEqualTo(1);
            events.add(s);
            return Async.sleep(Duration.ofMillis(1)).whenComplete((v, e) -> running.decrementAndGet());
        });
        value(loop);
        assertThat(events).containsExactly("a", "b", "c");
    }

    @Test
    void repeatPassesTheIterationNumber() {
        List<Long> seen = new ArrayList<>();
        value(Async.repeat(4, i -> {
            seen.add(i);
            return Async.sleep(Duration.ZERO);
        }));
        assertThat(seen).containsExactly(0L, 1L, 2L, 3L);
        assertThat(Async.repeat(0, i -> {
            throw new AssertionError("never");
        })).isCompletedWithValue(null);
    }

    @Test
    void theFirstFailureEndsTheLoopUnwrapped() {
        AtomicInteger calls = new AtomicInteger();
        AsyncFuture<Void> loop = Async.forEach(List.of(1, 2, 3), i -> {
            calls.incrementAndGet();
            return AsyncFuture.completed(i).thenApply(v -> {
                if (v == 2) {
                    throw new IllegalStateException("two");
                }
                return v;
            });
        });
        assertThat(failure(loop)).isInstanceOf(IllegalStateException.class).hasMessage("two");
        assertThat(calls).hasValue(2);
    }

    @Test
    void aBodyOrIteratorThatThrowsFailsTheLoop() {
        assertThat(failure(Async.whileTrue(() -> {
            throw new IllegalArgumentException("body");
        }))).hasMessage("body");
        Iterable<Integer> broken = () -> new Iterator<>() {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Integer next() {
                throw new NoSuchElementException("iterator");
            }
        };
        assertThat(failure(Async.forEach(broken, i -> DONE))).hasMessage("iterator");
    }

    @Test
    void cancellingTheLoopCancelsTheIterationInFlightAndStopsIt() {
        AtomicInteger calls = new AtomicInteger();
        AtomicReference<AsyncFuture<Void>> inFlight = new AtomicReference<>();
        AsyncFuture<Void> loop = Async.repeat(100, i -> {
            calls.incrementAndGet();
            inFlight.set(Async.sleep(Duration.ofHours(1)));
            return inFlight.get();
        });

        loop.cancel(false);

        assertThat(inFlight.get()).isCancelled();
        assertThat(calls).hasValue(1);
        assertThat(failure(loop)).isInstanceOf(CancellationException.class);
    }

    @Test
    void anIterationThatRecoversFromTheLoopsCancellationStartsNoFurtherIteration() {
        // The iteration turns its cancellation into a value while the loop is being given up, before the loop's
        // future is complete: that value must not start the next iteration.
        AtomicInteger calls = new AtomicInteger();
        AsyncFuture<Void> loop = Async.repeat(100, i -> {
            calls.incrementAndGet();
            return new AsyncFuture<Void>().handle((v, e) -> null);
        });

        loop.cancel(false);

        assertThat(failure(loop)).isInstanceOf(CancellationException.class);
        assertThat(calls).hasValue(1);
    }

    @Test
    void whileTrueEndsOnFalseOrNull() {
        AtomicInteger n = new AtomicInteger();
        value(Async.whileTrue(() -> n.incrementAndGet() < 3 ? Async.sleep(Duration.ZERO, true) : null));
        assertThat(n).hasValue(3);
    }

    private static Iterable<Integer> range(int n) {
        return () -> new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < n;
            }

            @Override
            public Integer next() {
                return next++;
            }
        };
    }
}
