package io.asyncio4j.combinators;

import io.asyncio4j.AsyncFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static io.asyncio4j.combinators.Outcomes.failure;
import static io.asyncio4j.combinators.Outcomes.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Ported from CPython's test_taskgroups.py. */
class TaskGroupTest {

    private final ExecutorService callbacks = Executors.newFixedThreadPool(2);
    private final AsyncTimer timer = AsyncTimer.create("taskgroup-timer", callbacks);

    @AfterEach
    void closeTimer() {
        timer.close();
    }

    private AsyncFuture<Void> sleepForever(AtomicInteger cancelled) {
        return timer.sleep(Duration.ofHours(1)).whenComplete((v, e) -> {
            if (e instanceof CancellationException) {
                cancelled.incrementAndGet();
            }
        });
    }

    @Test
    void completesWhenEveryChildHasWithTheBodysValue() {
        List<AsyncFuture<Integer>> children = new ArrayList<>();
        AsyncFuture<String> g = Async.taskGroup(tg -> {
            children.add(tg.spawn(() -> timer.sleep(Duration.ofMillis(2), 42)));
            children.add(tg.spawn(() -> timer.sleep(Duration.ofMillis(4), 11)));
            return AsyncFuture.completed("body");
        });

        assertThat(value(g)).isEqualTo("body");
        assertThat(children.get(0)).isCompletedWithValue(42);
        assertThat(children.get(1)).isCompletedWithValue(11);
    }

    @Test
    void theGroupWaitsForChildrenSpawnedLater() {
        AsyncFuture<Integer> late = new AsyncFuture<>();
        CompletableFuture<TaskGroup> entered = new CompletableFuture<>();
        AsyncFuture<Void> body = new AsyncFuture<>();
        AsyncFuture<Void> g = Async.taskGroup(tg -> {
            entered.complete(tg);
            return body;
        });

        value(entered).spawn(() -> late);
        body.complete(null);
        assertThat(g).isNotDone();
        late.complete(1);

        assertThat(value(g)).isNull();
    }

    @Test
    void aChildCancelledExplicitlyIsNotAFailure() {
        AtomicReference<AsyncFuture<Void>> t1 = new AtomicReference<>();
        AsyncFuture<Integer> g = Async.taskGroup(tg -> {
            t1.set(tg.spawn(() -> timer.sleep(Duration.ofHours(1))));
            t1.get().cancel(false);
            return tg.spawn(() -> timer.sleep(Duration.ofMillis(1), 11));
        });

        assertThat(value(g)).isEqualTo(11);
        assertThat(t1.get()).isCancelled();
    }

    @Test
    void aChildFailureCancelsTheOtherChildrenAndTheBody() {
        AtomicInteger cancelled = new AtomicInteger();
        AtomicReference<AsyncFuture<Void>> sibling = new AtomicReference<>();
        ArithmeticException boom = new ArithmeticException("/ by zero");
        AsyncFuture<Void> trigger = new AsyncFuture<>();
        AsyncFuture<Void> g = Async.taskGroup(tg -> {
            tg.spawn(() -> trigger.thenApply(v -> {
                throw boom;
            }));
            sibling.set(tg.spawn(() -> sleepForever(cancelled)));
            return sleepForever(cancelled);
        });
        callbacks.execute(() -> trigger.complete(null));

        assertThat(failure(g)).isSameAs(boom);
        assertThat(sibling.get()).isCancelled();
        assertThat(cancelled).hasValue(2);
    }

    @Test
    void severalFailuresAreReportedAsTheFirstWithTheOthersSuppressed() {
        IllegalStateException first = new IllegalStateException("first");
        IllegalArgumentException second = new IllegalArgumentException("second");
        AsyncFuture<Void> a = new AsyncFuture<>();
        AsyncFuture<Void> b = new AsyncFuture<>();
        AsyncFuture<Void> g = Async.taskGroup(tg -> {
            tg.spawn(() -> a);
            tg.spawn(() -> b);
            return AsyncFuture.completed(null);
        });
        // Registered after the group's own callback, so it runs first: b fails before the group aborts.
        a.whenComplete((v, e) -> b.completeExceptionally(second));

        a.completeExceptionally(first);

        Throwable reported = failure(g);
        assertThat(reported).isIn(first, second);
        assertThat(reported.getSuppressed()).hasSize(1);
        assertThat(List.of(reported, reported.getSuppressed()[0])).containsExactlyInAnyOrder(first, second);
    }

    @Test
    void aFailingBodyCancelsTheChildren() {
        AtomicInteger cancelled = new AtomicInteger();
        List<AsyncFuture<Void>> children = new ArrayList<>();
        AsyncFuture<Void> g = Async.taskGroup(tg -> {
            children.add(tg.spawn(() -> sleepForever(cancelled)));
            children.add(tg.spawn(() -> sleepForever(cancelled)));
            return timer.sleep(Duration.ofMillis(1)).thenApply(v -> {
                throw new ArithmeticException();
            });
        });

        assertThat(failure(g)).isInstanceOf(ArithmeticException.class);
        assertThat(children).allMatch(CompletableFuture::isCancelled);
        assertThat(cancelled).hasValue(2);
    }

    @Test
    void aBodyThatThrowsCancelsTheChildren() {
        AtomicReference<AsyncFuture<Void>> child = new AtomicReference<>();
        AsyncFuture<Void> g = Async.taskGroup(tg -> {
            child.set(tg.spawn(() -> timer.sleep(Duration.ofHours(1))));
            throw new ArithmeticException();
        });
        assertThat(failure(g)).isInstanceOf(ArithmeticException.class);
        assertThat(child.get()).isCancelled();
    }

    @Test
    void cancellingTheGroupCancelsEveryChildAndTheBody() {
        AtomicInteger cancelled = new AtomicInteger();
        AsyncFuture<Void> g = Async.taskGroup(tg -> {
            for (int i = 0; i < 5; i++) {
                tg.spawn(() -> sleepForever(cancelled));
            }
            return sleepForever(cancelled);
        });

        g.cancel(false);

        assertThat(g).isCancelled();
        assertThat(cancelled).hasValue(6);
        assertThat(timer.pendingTasks()).isZero();
    }

    @Test
    void nestedGroupsReportTheInnerFailureThroughTheOuterGroup() {
        AtomicInteger cancelled = new AtomicInteger();
        AsyncFuture<Void> g = Async.taskGroup(outer -> {
            outer.spawn(() -> sleepForever(cancelled));
            return Async.taskGroup(inner -> {
                inner.spawn(() -> timer.sleep(Duration.ofMillis(1)).thenApply(v -> {
                    throw new IllegalStateException("inner");
                }));
                return sleepForever(cancelled);
            });
        });

        assertThat(failure(g)).isInstanceOf(IllegalStateException.class).hasMessage("inner");
        assertThat(cancelled).hasValue(2);
    }

    @Test
    void childrenMaySpawnChildren() {
        AtomicInteger ran = new AtomicInteger();
        AsyncFuture<Void> g = Async.taskGroup(tg -> {
            tg.spawn(() -> timer.sleep(Duration.ofMillis(1)).thenRun(() -> {
                tg.spawn(() -> timer.sleep(Duration.ofMillis(1)).thenRun(ran::incrementAndGet));
                tg.spawn(() -> timer.sleep(Duration.ofMillis(2)).thenRun(ran::incrementAndGet));
            }));
            return AsyncFuture.completed(null);
        });
        assertThat(value(g)).isNull();
        assertThat(ran).hasValue(2);
    }

    @Test
    void spawningIsRefusedOnceTheGroupIsFinished() {
        AtomicReference<TaskGroup> group = new AtomicReference<>();
        value(Async.taskGroup(tg -> {
            group.set(tg);
            return AsyncFuture.completed(null);
        }));
        assertThatThrownBy(() -> group.get().spawn(() -> AsyncFuture.completed(1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("finished");
    }

    @Test
    void spawningIsRefusedWhileTheGroupShutsDownAndTheTaskIsNotCalled() {
        AtomicReference<Throwable> refused = new AtomicReference<>();
        AtomicInteger called = new AtomicInteger();
        AsyncFuture<Void> g = Async.taskGroup(tg -> {
            // The cleanup of a cancelled child tries to spawn, as asyncio's hydra test does.
            tg.spawn(() -> timer.sleep(Duration.ofHours(1)).whenComplete((v, e) -> {
                try {
                    tg.spawn(() -> {
                        called.incrementAndGet();
                        return AsyncFuture.completed(1);
                    });
                } catch (IllegalStateException ex) {
                    refused.set(ex);
                }
            }));
            tg.spawn(() -> AsyncFuture.failed(new ArithmeticException()));
            return AsyncFuture.completed(null);
        });

        assertThat(failure(g)).isInstanceOf(ArithmeticException.class);
        assertThat(refused.get()).hasMessageContaining("shutting down");
        assertThat(called).hasValue(0);
    }

    @Test
    void aSpawnThatThrowsIsAChildFailure() {
        AsyncFuture<Void> g = Async.taskGroup(tg -> {
            tg.spawn(() -> {
                throw new IllegalStateException("spawn");
            });
            return AsyncFuture.completed(null);
        });
        assertThat(failure(g)).isInstanceOf(IllegalStateException.class).hasMessage("spawn");
    }

    @Test
    void aBodyCancelledByItsOwnCodeCancelsTheChildren() {
        AsyncFuture<Void> body = new AsyncFuture<>();
        AtomicReference<AsyncFuture<Void>> child = new AtomicReference<>();
        AsyncFuture<Void> g = Async.taskGroup(tg -> {
            child.set(tg.spawn(() -> timer.sleep(Duration.ofHours(1))));
            return body;
        });
        body.cancel(false);
        assertThat(child.get()).isCancelled();
        assertThat(failure(g)).isInstanceOf(CancellationException.class);
    }

    @Test
    void cancellingTheGroupWhileAnotherThreadIsAbortingItCompletesOnlyOnceEveryChildHasSettled() throws Exception {
        // Thread "aborter" fails a child, which aborts the group; it is held inside the cancellation action of the
        // first child it cancels, so that child is claimed but not complete. Meanwhile this thread cancels the
        // group: it cancels the children the aborter has not reached, and the group waits for the held one.
        java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        List<AsyncFuture<Integer>> children = new ArrayList<>();
        AtomicReference<Thread> aborter = new AtomicReference<>();
        for (int i = 0; i < 4; i++) {
            AsyncFuture<Integer> child = new AsyncFuture<>();
            child.onCancel(() -> {
                if (Thread.currentThread() == aborter.get() && held.getCount() > 0) {
                    held.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            children.add(child);
        }
        AsyncFuture<Integer> failing = new AsyncFuture<>();
        AsyncFuture<String> body = new AsyncFuture<>();
        AsyncFuture<String> g = Async.taskGroup(group -> {
            group.spawn(() -> failing);
            children.forEach(c -> group.spawn(() -> c));
            return body;
        });
        IllegalStateException boom = new IllegalStateException("boom");
        Thread t = new Thread(() -> failing.settleExceptionally(boom), "aborter");
        aborter.set(t);
        t.start();
        try {
            assertThat(held.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(g.cancel(false)).isTrue();
            assertThat(children).as("children after cancel() returned").filteredOn(c -> !c.isDone()).hasSize(1);
            assertThat(body).isDone();
            assertThat(g).as("the group while a child is still being cancelled").isNotDone();
        } finally {
            release.countDown();
            t.join(10_000);
        }
        assertThat(children).allMatch(AsyncFuture::isCancelled);
        assertThat(failure(g)).isSameAs(boom); // a failure takes precedence over the cancellation
    }

    @Test
    void aCancelledGroupWaitsForTheCleanupItsChildStartedAndLetsItRun() {
        // async with asyncio.TaskGroup() as tg:
        //     tg.create_task(work())   # except CancelledError: await cleanup; raise
        //     await asyncio.sleep(3600)
        List<String> events = new CopyOnWriteArrayList<>();
        AsyncFuture<Void> cleanup = new AsyncFuture<>();
        AsyncFuture<Void> g = Async.taskGroup(tg -> {
            tg.spawn(() -> CleanupStages.reraisingAfter(timer.sleep(Duration.ofHours(1)), cleanup, events,
                    new CompletableFuture<>()));
            return timer.sleep(Duration.ofHours(1));
        });

        assertThat(g.cancel(false)).isTrue();

        assertThat(g).isNotDone();
        assertThat(cleanup).isNotDone();
        cleanup.settle(null);
        assertThat(g).isCancelled();
        assertThat(events).containsExactly("cancelled", "cleanup");
        assertThat(timer.pendingTasks()).isZero();
    }

    @Test
    void aFailureLetsTheCleanupOfTheSiblingsItCancelsRunToCompletionAndIsReportedAfterIt() {
        List<String> events = new CopyOnWriteArrayList<>();
        AsyncFuture<Void> cleanup = new AsyncFuture<>();
        AsyncFuture<Void> trigger = new AsyncFuture<>();
        ArithmeticException boom = new ArithmeticException("boom");
        AsyncFuture<Void> g = Async.taskGroup(tg -> {
            tg.spawn(() -> CleanupStages.reraisingAfter(timer.sleep(Duration.ofHours(1)), cleanup, events,
                    new CompletableFuture<>()));
            tg.spawn(() -> trigger);
            return new AsyncFuture<Void>(); // cancelled by the abort too, which is no reason to cancel again
        });

        trigger.settleExceptionally(boom);

        assertThat(cleanup).as("the cleanup after the group aborted").isNotDone();
        assertThat(g).isNotDone();
        cleanup.settle(null);
        assertThat(failure(g)).isSameAs(boom);
        assertThat(events).containsExactly("cancelled", "cleanup");
    }

    @Test
    void cancellingTheGroupAgainCancelsTheCleanupInFlight() {
        List<String> events = new CopyOnWriteArrayList<>();
        AsyncFuture<Void> cleanup = new AsyncFuture<>();
        AsyncFuture<Void> g = Async.taskGroup(tg -> {
            tg.spawn(() -> CleanupStages.reraisingAfter(timer.sleep(Duration.ofHours(1)), cleanup, events,
                    new CompletableFuture<>()));
            return AsyncFuture.completed(null);
        });
        assertThat(g.cancel(false)).isTrue();
        assertThat(g).isNotDone();

        assertThat(g.cancel(false)).isTrue();

        assertThat(cleanup).isCancelled();
        assertThat(g).isCancelled();
        assertThat(events).containsExactly("cancelled");
    }

    @Test
    void givingTheGroupUpFromOutsideCompletesItAtOnceAndCancelsItsChildren() {
        AsyncFuture<Void> child = timer.sleep(Duration.ofHours(1));
        AsyncFuture<String> g = Async.taskGroup(tg -> {
            tg.spawn(() -> child);
            return new AsyncFuture<String>();
        });

        assertThat(g.complete("given up")).isTrue();

        assertThat(g).isCompletedWithValue("given up");
        assertThat(child).isCancelled();
    }
}
