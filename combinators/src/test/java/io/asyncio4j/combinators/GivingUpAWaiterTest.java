package io.asyncio4j.combinators;

import io.asyncio4j.AsyncFuture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static io.asyncio4j.combinators.Outcomes.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every way of giving up a primitive's waiter ({@code complete}, {@code completeExceptionally}, {@code orTimeout},
 * {@code obtrudeValue}, {@code cancel}), on the waiter's own future and on a stage derived from it, removes the
 * waiter and loses no permit, item or wake-up: the waiter behind it gets what the next release (set, signal, offer,
 * poll) hands out, a put given up never enqueues its item, and the primitive is free afterwards.
 *
 * <p>The racing variant hands the wake-up out from inside the give-up, before the given-up future completes (a
 * cancellation action registered on the waiter runs before the primitive's own): the waiter's future then refuses
 * the wake-up's settle, which must pass it on.
 */
class GivingUpAWaiterTest {

    /** A primitive with the test holding it, a victim waiting, and a waiter queued behind the victim. */
    private interface Scenario {
        AsyncFuture<?> victim();

        AsyncFuture<?> next();

        /** Waiters queued in the primitive. */
        int queued();

        /** What the holder does that wakes the first live waiter: release, set, signal. */
        void handOff();

        /** Once {@link #next()} has completed: releases what it holds and checks the primitive is free. */
        void assertFreeAfterNext();

        /** Whether the victim's critical section ran (withLock/withPermit only). */
        default boolean victimBodyRan() {
            return false;
        }
    }

    private enum Primitive {
        LOCK_ACQUIRE {
            @Override
            Scenario create() {
                AsyncLock lock = new AsyncLock();
                lock.acquire();
                return permits(lock.acquire(), lock.acquire(), lock::queueLength, lock::release, () -> {
                    lock.release();
                    assertThat(lock.isLocked()).isFalse();
                });
            }
        },
        SEMAPHORE_ACQUIRE {
            @Override
            Scenario create() {
                AsyncSemaphore sem = new AsyncSemaphore(1);
                sem.acquire();
                return permits(sem.acquire(), sem.acquire(), sem::queueLength, sem::release, () -> {
                    sem.release();
                    assertThat(sem.availablePermits()).isEqualTo(1);
                });
            }
        },
        BOUNDED_SEMAPHORE_ACQUIRE {
            @Override
            Scenario create() {
                BoundedSemaphore sem = new BoundedSemaphore(1);
                sem.acquire();
                return permits(sem.acquire(), sem.acquire(), sem::queueLength, sem::release, () -> {
                    sem.release(); // throws if a permit was counted twice
                    assertThat(sem.availablePermits()).isEqualTo(1);
                });
            }
        },
        EVENT_WHEN_SET {
            @Override
            Scenario create() {
                AsyncEvent event = new AsyncEvent();
                return permits(event.whenSet(), event.whenSet(), event::queueLength, event::set,
                        () -> assertThat(event.queueLength()).isZero());
            }
        },
        CONDITION_AWAIT {
            @Override
            Scenario create() {
                AsyncCondition cond = new AsyncCondition();
                cond.acquire();
                AsyncFuture<Void> victim = cond.await();
                cond.acquire();
                AsyncFuture<Void> next = cond.await();
                cond.acquire();
                return condition(cond, victim, next, () -> { });
            }
        },
        CONDITION_WAIT_FOR {
            @Override
            Scenario create() {
                AsyncCondition cond = new AsyncCondition();
                AtomicBoolean ready = new AtomicBoolean();
                cond.acquire();
                AsyncFuture<Void> victim = cond.waitFor(ready::get);
                cond.acquire();
                AsyncFuture<Void> next = cond.waitFor(ready::get);
                cond.acquire();
                return condition(cond, victim, next, () -> ready.set(true));
            }
        },
        WITH_LOCK {
            @Override
            Scenario create() {
                AsyncLock lock = new AsyncLock();
                lock.acquire();
                return guarded(lock::withLock, lock::queueLength, lock::release,
                        () -> assertThat(lock.isLocked()).isFalse());
            }
        },
        SEMAPHORE_WITH_PERMIT {
            @Override
            Scenario create() {
                AsyncSemaphore sem = new AsyncSemaphore(1);
                sem.acquire();
                return guarded(sem::withPermit, sem::queueLength, sem::release,
                        () -> assertThat(sem.availablePermits()).isEqualTo(1));
            }
        },
        QUEUE_GET {
            @Override
            Scenario create() {
                AsyncQueue<String> q = AsyncQueue.fifo(1);
                AsyncFuture<String> next;
                AsyncFuture<String> victim = q.get();
                next = q.get();
                return permits(victim, next, q::waitingGetters, () -> q.offer("item"), () -> {
                    assertThat(next).isCompletedWithValue("item");
                    assertThat(q.size()).isZero();
                    assertThat(q.waitingGetters()).isZero();
                });
            }
        },
        QUEUE_PUT {
            @Override
            Scenario create() {
                AsyncQueue<String> q = AsyncQueue.fifo(1);
                q.offer("held");
                AsyncFuture<Void> victim = q.put("victim");
                AsyncFuture<Void> next = q.put("next");
                return permits(victim, next, q::waitingPutters, q::poll, () -> {
                    assertThat(q.poll()).as("the item of the put given up never goes in").isEqualTo("next");
                    assertThat(q.size()).isZero();
                    assertThat(q.waitingPutters()).isZero();
                });
            }
        },
        BOUNDED_SEMAPHORE_WITH_PERMIT {
            @Override
            Scenario create() {
                BoundedSemaphore sem = new BoundedSemaphore(1);
                sem.acquire();
                return guarded(sem::withPermit, sem::queueLength, sem::release,
                        () -> assertThat(sem.availablePermits()).isEqualTo(1));
            }
        };

        abstract Scenario create();
    }

    private interface IntQuery {
        int get();
    }

    private interface GuardedCall {
        AsyncFuture<String> run(Supplier<? extends java.util.concurrent.CompletionStage<String>> body);
    }

    private static Scenario permits(AsyncFuture<?> victim, AsyncFuture<?> next, IntQuery queued,
                                    Runnable handOff, Runnable releaseNextAndCheck) {
        return new Scenario() {
            @Override
            public AsyncFuture<?> victim() {
                return victim;
            }

            @Override
            public AsyncFuture<?> next() {
                return next;
            }

            @Override
            public int queued() {
                return queued.get();
            }

            @Override
            public void handOff() {
                handOff.run();
            }

            @Override
            public void assertFreeAfterNext() {
                releaseNextAndCheck.run();
            }
        };
    }

    /** The test holds the condition's lock; a hand-off signals one waiter and lets the lock go. */
    private static Scenario condition(AsyncCondition cond, AsyncFuture<Void> victim, AsyncFuture<Void> next,
                                      Runnable makeTrue) {
        return permits(victim, next, cond::queueLength, () -> {
            makeTrue.run();
            cond.signal();
            cond.release();
        }, () -> {
            cond.release();
            assertThat(cond.isLocked()).isFalse();
            assertThat(cond.queueLength()).isZero();
        });
    }

    /** The test holds the permit; the victim's body never completes by itself, the next one's at once. */
    private static Scenario guarded(GuardedCall call, IntQuery queued, Runnable release, Runnable assertFree) {
        AtomicInteger victimRuns = new AtomicInteger();
        AsyncFuture<String> victim = call.run(() -> {
            victimRuns.incrementAndGet();
            return new AsyncFuture<>();
        });
        AsyncFuture<String> next = call.run(() -> AsyncFuture.completed("next"));
        return new Scenario() {
            @Override
            public AsyncFuture<?> victim() {
                return victim;
            }

            @Override
            public AsyncFuture<?> next() {
                return next;
            }

            @Override
            public int queued() {
                return queued.get();
            }

            @Override
            public void handOff() {
                release.run();
            }

            @Override
            public void assertFreeAfterNext() {
                assertThat(next).isCompletedWithValue("next"); // its body released the permit already
                assertFree.run();
            }

            @Override
            public boolean victimBodyRan() {
                return victimRuns.get() > 0;
            }
        };
    }

    private enum GiveUp {
        COMPLETE, COMPLETE_EXCEPTIONALLY, OR_TIMEOUT, OBTRUDE_VALUE, CANCEL;

        /** Gives {@code f} up this way and checks that it ended given up, not with the primitive's wake-up. */
        void apply(AsyncFuture<Object> f) {
            IllegalStateException givenUp = new IllegalStateException("given up");
            switch (this) {
                case COMPLETE -> {
                    assertThat(f.complete("given up")).isTrue();
                    assertThat(f).isCompletedWithValue("given up");
                }
                case COMPLETE_EXCEPTIONALLY -> {
                    assertThat(f.completeExceptionally(givenUp)).isTrue();
                    assertThatThrownBy(f::join).hasCause(givenUp);
                }
                case OR_TIMEOUT -> {
                    f.orTimeout(1, TimeUnit.MILLISECONDS);
                    assertThatThrownBy(() -> f.get(Outcomes.PATIENCE_SECONDS, TimeUnit.SECONDS))
                            .hasCauseInstanceOf(TimeoutException.class);
                }
                case OBTRUDE_VALUE -> {
                    f.obtrudeValue("given up");
                    assertThat(f).isCompletedWithValue("given up");
                }
                case CANCEL -> {
                    assertThat(f.cancel(false)).isTrue();
                    assertThat(f).isCancelled();
                }
            }
        }
    }

    private enum View {
        OWN_FUTURE, DERIVED_STAGE;

        @SuppressWarnings("unchecked")
        AsyncFuture<Object> of(AsyncFuture<?> waiter) {
            // The derived stage maps to a marker, so a value the waiter delivered would show through it.
            return this == OWN_FUTURE ? (AsyncFuture<Object>) waiter : waiter.thenApply(v -> "woken");
        }
    }

    static List<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (Primitive p : Primitive.values()) {
            for (GiveUp g : GiveUp.values()) {
                for (View v : View.values()) {
                    cases.add(Arguments.of(p, g, v));
                }
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "{0} {1} on its {2}")
    @MethodSource("cases")
    void aGivenUpWaiterLeavesTheQueueAndTheNextWaiterGetsTheWakeUp(Primitive primitive, GiveUp giveUp, View view) {
        Scenario s = primitive.create();
        assertThat(s.queued()).isEqualTo(2);

        giveUp.apply(view.of(s.victim()));

        Outcomes.done(s.victim()); // a derived stage given up completes before the waiter under it
        assertThat(s.queued()).as("waiters queued after the give-up").isEqualTo(1);
        s.handOff();
        value(s.next());
        assertThat(s.victimBodyRan()).as("the given-up waiter's body ran").isFalse();
        s.assertFreeAfterNext();
    }

    @ParameterizedTest(name = "{0} {1} on its {2}")
    @MethodSource("cases")
    void aWakeUpHandedOutWhileTheWaiterIsBeingGivenUpPassesToTheNextWaiter(Primitive primitive, GiveUp giveUp,
                                                                           View view) {
        Scenario s = primitive.create();
        // Registered after the primitive's own action, so it runs first: the waiter's gate is claimed, it is
        // still queued, and its future is not complete yet.
        s.victim().onCancel(s::handOff);

        giveUp.apply(view.of(s.victim()));

        value(s.next());
        s.assertFreeAfterNext();
    }
}
