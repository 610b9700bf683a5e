package io.asyncio4j;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@code CompletionStage} method of an {@code AsyncFuture} returns an {@code AsyncFuture} (each factory below
 * compiles only because it does), and giving its result up reaches the source as for {@code thenApply}. The
 * either-forms are given up like a two-source stage while both sources are pending, and not at all once one of them
 * has delivered.
 */
class StageMethodsTest {

    private static final Executor INLINE = Runnable::run;
    /** Holds every task for ever: a dependent that completes must do so without its executor. */
    private static final Executor NEVER = task -> { };
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    /** Makes a dependent of {@code source}, typed as an {@code AsyncFuture} by the method's declaration. */
    private interface Stage extends Function<AsyncFuture<String>, AsyncFuture<?>> {
    }

    /** Makes a dependent of {@code source} and {@code other}, typed as an {@code AsyncFuture}. */
    private interface EitherStage extends BiFunction<AsyncFuture<String>, AsyncFuture<String>, AsyncFuture<?>> {
    }

    private static Arguments stage(String name, Stage make) {
        return Arguments.of(name, make);
    }

    private static Arguments either(String name, EitherStage make) {
        return Arguments.of(name, make);
    }

    /** A handler that passes the failure on, so that the dependent ends with the cancellation. */
    private static <T> T rethrow(T value, Throwable failure) {
        if (failure != null) {
            throw new CompletionException(failure);
        }
        return value;
    }

    static Stream<Arguments> oneSourceStages() {
        return Stream.of(
                stage("thenApplyAsync", s -> s.thenApplyAsync(v -> v)),
                stage("thenApplyAsync(executor)", s -> s.thenApplyAsync(v -> v, INLINE)),
                stage("thenAcceptAsync", s -> s.thenAcceptAsync(v -> { })),
                stage("thenAcceptAsync(executor)", s -> s.thenAcceptAsync(v -> { }, INLINE)),
                stage("thenRunAsync", s -> s.thenRunAsync(() -> { })),
                stage("thenRunAsync(executor)", s -> s.thenRunAsync(() -> { }, INLINE)),
                stage("handleAsync", s -> s.handleAsync(StageMethodsTest::rethrow)),
                stage("handleAsync(executor)", s -> s.handleAsync(StageMethodsTest::rethrow, INLINE)),
                stage("whenCompleteAsync", s -> s.whenCompleteAsync((v, e) -> { })),
                stage("whenCompleteAsync(executor)", s -> s.whenCompleteAsync((v, e) -> { }, INLINE)),
                stage("exceptionallyAsync", s -> s.exceptionallyAsync(e -> {
                    throw new CompletionException(e);
                })),
                stage("exceptionallyAsync(executor)", s -> s.exceptionallyAsync(e -> {
                    throw new CompletionException(e);
                }, INLINE)));
    }

    static Stream<Arguments> eitherStages() {
        return Stream.of(
                either("applyToEither", (s, o) -> s.applyToEither(o, v -> v)),
                either("applyToEitherAsync", (s, o) -> s.applyToEitherAsync(o, v -> v)),
                either("applyToEitherAsync(executor)", (s, o) -> s.applyToEitherAsync(o, v -> v, NEVER)),
                either("acceptEither", (s, o) -> s.acceptEither(o, v -> { })),
                either("acceptEitherAsync", (s, o) -> s.acceptEitherAsync(o, v -> { })),
                either("acceptEitherAsync(executor)", (s, o) -> s.acceptEitherAsync(o, v -> { }, NEVER)),
                either("runAfterEither", (s, o) -> s.runAfterEither(o, () -> { })),
                either("runAfterEitherAsync", (s, o) -> s.runAfterEitherAsync(o, () -> { })),
                either("runAfterEitherAsync(executor)", (s, o) -> s.runAfterEitherAsync(o, () -> { }, NEVER)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oneSourceStages")
    void givingUpAnAsyncFormGivesUpItsSource(String name, Stage make) {
        AtomicInteger released = new AtomicInteger();
        AsyncFuture<String> source = new AsyncFuture<>(released::incrementAndGet);
        AsyncFuture<?> dependent = make.apply(source);

        assertThat(dependent.cancel(false)).isTrue();

        assertThat(source).isCancelled();
        assertThat(released).hasValue(1);
        assertThat(dependent).failsWithin(PATIENCE);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eitherStages")
    void givingUpAnEitherFormWhileBothArePendingGivesUpThisFutureOnlyAndCompletesAtOnce(String name,
                                                                                       EitherStage make) {
        AtomicInteger released = new AtomicInteger();
        AsyncFuture<String> source = new AsyncFuture<>(released::incrementAndGet);
        AtomicInteger otherReleased = new AtomicInteger();
        AsyncFuture<String> other = new AsyncFuture<>(otherReleased::incrementAndGet);
        AsyncFuture<?> dependent = make.apply(source, other);

        assertThat(dependent.cancel(false)).isTrue();

        assertThat(source).isCancelled();
        assertThat(released).hasValue(1);
        assertThat(dependent).isCancelled();
        assertThat(other).as("not ours to give up").isNotDone();
        assertThat(otherReleased).hasValue(0);
    }

    @Test
    void anEitherFormWhoseOtherSourceDeliveredCannotBeGivenUp() {
        QueuedExecutor executor = new QueuedExecutor();
        AtomicInteger released = new AtomicInteger();
        AsyncFuture<String> source = new AsyncFuture<>(released::incrementAndGet);
        AsyncFuture<String> other = new AsyncFuture<>();
        AsyncFuture<String> either = source.applyToEitherAsync(other, v -> v + "!", executor);
        other.settle("other");

        assertThat(either.cancel(false)).as("the other source's value is on its way").isFalse();

        assertThat(released).hasValue(0);
        assertThat(source).isNotDone();
        executor.runAll();
        assertThat(either).isCompletedWithValue("other!");
    }

    @Test
    void anEitherFormWhoseOwnSourceDeliveredCannotBeGivenUp() {
        QueuedExecutor executor = new QueuedExecutor();
        AsyncFuture<String> source = new AsyncFuture<>();
        CompletableFuture<String> other = new CompletableFuture<>();
        AsyncFuture<Void> either = source.acceptEitherAsync(other, v -> { }, executor);
        source.settle("mine");

        assertThat(either.completeExceptionally(new IllegalStateException("given up"))).isFalse();

        executor.runAll();
        assertThat(either).isCompletedWithValue(null);
        assertThat(other).isNotDone();
    }

    @Test
    void anEitherFormWithACompletedForeignOtherIsStillAnAsyncFuture() {
        AsyncFuture<String> source = new AsyncFuture<>();
        CompletableFuture<String> done = CompletableFuture.completedFuture("done");

        AsyncFuture<String> either = source.applyToEither(done, v -> v);

        assertThat(either).isInstanceOf(AsyncFuture.class).isCompletedWithValue("done");
        assertThat(source.runAfterEither(done.minimalCompletionStage(), () -> { })).isCompletedWithValue(null);
    }

    @Test
    void givingUpAStageAfterAnEitherFormReachesThroughItToTheSource() {
        AtomicInteger released = new AtomicInteger();
        AsyncFuture<String> source = new AsyncFuture<>(released::incrementAndGet);
        AsyncFuture<Integer> last = source.applyToEither(new CompletableFuture<>(), v -> v).thenApply(String::length);

        assertThat(last.cancel(false)).isTrue();

        assertThat(released).hasValue(1);
        assertThat(source).isCancelled();
        assertThat(last).isCancelled();
    }

    @Test
    void givingUpACopyLeavesTheSourceAlone() {
        AtomicInteger released = new AtomicInteger();
        AsyncFuture<String> source = new AsyncFuture<>(released::incrementAndGet);
        AsyncFuture<String> copy = source.copy();

        assertThat(copy.cancel(false)).isTrue();
        assertThat(copy.complete("other")).isFalse();

        assertThat(released).hasValue(0);
        assertThat(source.settle("value")).isTrue();
        assertThat(source.join()).isEqualTo("value");
    }

    @Test
    void aCopyRelaysTheValueAndWrapsTheFailureAsTheJdkDoes() {
        AsyncFuture<String> source = new AsyncFuture<>();
        AsyncFuture<String> copy = source.copy();
        AsyncFuture<String> failing = new AsyncFuture<>();
        AsyncFuture<String> failedCopy = failing.copy();
        IllegalStateException boom = new IllegalStateException("boom");

        source.settle("value");
        failing.settleExceptionally(boom);

        assertThat(copy.join()).isEqualTo("value");
        assertThat(failedCopy).isCompletedExceptionally();
        assertThat(failedCopy.handle((v, e) -> e).join()).isInstanceOf(CompletionException.class).hasCause(boom);
    }

    /** An executor whose tasks wait until the test runs them: an outcome handed to it is on its way. */
    private static final class QueuedExecutor implements Executor {
        private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

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
}
