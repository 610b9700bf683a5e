package io.asyncio4j.combinators;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A deadline timer runs its action once the clock passes the latest deadline, keeps one timer task however often
 * the deadline moves, and runs nothing once disarmed or closed. Every call is made on the owner's executor, as
 * the class requires.
 */
class DeadlineTimerTest {

    private final ExecutorService owner = Executors.newSingleThreadExecutor();
    private final ExecutorService callbacks = Executors.newSingleThreadExecutor();
    private final AsyncTimer timer = AsyncTimer.create("deadline-test", callbacks);
    /** Clock readings taken by the actions, on the owner's thread. */
    private final List<String> ran = new ArrayList<>();

    @AfterEach
    void stop() {
        timer.close();
        owner.shutdownNow();
        callbacks.shutdownNow();
    }

    private <T> T onOwner(Supplier<T> call) {
        return CompletableFuture.supplyAsync(call, owner).join();
    }

    private static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS);
    }

    @Test
    void runsTheActionOnceAfterTheDeadline() throws Exception {
        CompletableFuture<Long> at = new CompletableFuture<>();
        DeadlineTimer t = new DeadlineTimer(timer, owner, () -> at.complete(timer.nanoTime()));
        long deadline = onOwner(() -> {
            t.expireAfter(Duration.ofMillis(20));
            return t.deadlineNanos();
        });

        assertThat(await(at)).isGreaterThanOrEqualTo(deadline);
        assertThat(onOwner(t::isArmed)).isFalse();
        assertThat(timer.pendingTasks()).isZero();
    }

    @Test
    void movingTheDeadlineLaterKeepsOneTimerTaskAndPostponesTheAction() throws Exception {
        CompletableFuture<Long> at = new CompletableFuture<>();
        DeadlineTimer t = new DeadlineTimer(timer, owner, () -> at.complete(timer.nanoTime()));
        long last = onOwner(() -> {
            for (int i = 1; i <= 1000; i++) {
                t.expireAfter(Duration.ofMillis(30 + i / 20));
            }
            return t.deadlineNanos();
        });

        assertThat(timer.pendingTasks()).isEqualTo(1);
        assertThat(await(at)).isGreaterThanOrEqualTo(last);
    }

    @Test
    void movingTheDeadlineEarlierReplacesTheTimerTask() throws Exception {
        CompletableFuture<Long> at = new CompletableFuture<>();
        DeadlineTimer t = new DeadlineTimer(timer, owner, () -> at.complete(timer.nanoTime()));
        long deadline = onOwner(() -> {
            t.expireAfter(Duration.ofHours(1));
            t.expireAfter(Duration.ofMillis(10));
            return t.deadlineNanos();
        });

        assertThat(timer.pendingTasks()).isEqualTo(1);
        assertThat(await(at)).isGreaterThanOrEqualTo(deadline);
    }

    @Test
    void aDisarmedTimerDoesNotRunItsAction() throws Exception {
        DeadlineTimer disarmed = new DeadlineTimer(timer, owner, () -> ran.add("disarmed"));
        CompletableFuture<List<String>> later = new CompletableFuture<>();
        DeadlineTimer witness = new DeadlineTimer(timer, owner, () -> later.complete(List.copyOf(ran)));
        onOwner(() -> {
            disarmed.expireAfter(Duration.ofMillis(5));
            disarmed.disarm();
            // Due later on the same timer and owner: its action runs after the disarmed timer's check.
            witness.expireAfter(Duration.ofMillis(40));
            return null;
        });

        assertThat(await(later)).isEmpty();
        assertThat(onOwner(disarmed::isArmed)).isFalse();
    }

    @Test
    void reArmingAfterTheActionRanRunsItAgain() throws Exception {
        CompletableFuture<Void> first = new CompletableFuture<>();
        CompletableFuture<Void> second = new CompletableFuture<>();
        DeadlineTimer t = new DeadlineTimer(timer, owner, () -> {
            if (!first.complete(null)) {
                second.complete(null);
            }
        });
        onOwner(() -> {
            t.expireAfter(Duration.ofMillis(5));
            return null;
        });
        await(first);
        onOwner(() -> {
            t.expireAfter(Duration.ofMillis(5));
            return null;
        });

        await(second);
    }

    @Test
    void closingRemovesThePendingTaskAndIgnoresLaterArming() {
        DeadlineTimer t = new DeadlineTimer(timer, owner, () -> ran.add("closed"));
        onOwner(() -> {
            t.expireAfter(Duration.ofHours(1));
            return null;
        });
        assertThat(timer.pendingTasks()).isEqualTo(1);

        onOwner(() -> {
            t.close();
            t.expireAfter(Duration.ofMillis(1));
            return null;
        });

        assertThat(timer.pendingTasks()).isZero();
        assertThat(onOwner(t::isArmed)).isFalse();
    }

    @Test
    void aTimerThatRefusesTasksExpiresTheDeadlineAtOnce() throws Exception {
        timer.close();
        CompletableFuture<Void> expired = new CompletableFuture<>();
        DeadlineTimer t = new DeadlineTimer(timer, owner, () -> expired.complete(null));
        onOwner(() -> {
            t.expireAfter(Duration.ofHours(1));
            return null;
        });

        await(expired);
    }

    @Test
    void aZeroTimeoutExpiresOnTheExecutorNotInTheCall() throws Exception {
        CompletableFuture<Void> expired = new CompletableFuture<>();
        DeadlineTimer t = new DeadlineTimer(timer, owner, () -> expired.complete(null));
        boolean doneInCall = onOwner(() -> {
            t.expireAfter(Duration.ZERO);
            return expired.isDone();
        });

        assertThat(doneInCall).isFalse();
        await(expired);
    }
}
