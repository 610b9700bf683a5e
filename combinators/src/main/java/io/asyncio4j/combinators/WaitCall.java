package io.asyncio4j.combinators;

import io.asyncio4j.AsyncFuture;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * The state of one {@link Async#wait} (asyncio's {@code _wait}): a countdown over the distinct stages, the
 * {@link ReturnWhen} condition, and an optional timer. It never cancels a stage.
 *
 * @param <S> the type of the stages
 */
final class WaitCall<S extends CompletionStage<?>> implements BiConsumer<Object, Throwable>, Runnable {

    private final List<S> stages;
    private final CompletableFuture<?>[] views;
    private final ReturnWhen returnWhen;
    private final AtomicInteger pending;
    private final AsyncFuture<WaitResult<S>> result = new AsyncFuture<>();
    private volatile TimerHandle timer;

    private WaitCall(List<S> stages, ReturnWhen returnWhen) {
        this.stages = stages;
        this.returnWhen = returnWhen;
        this.views = new CompletableFuture<?>[stages.size()];
        for (int i = 0; i < views.length; i++) {
            views[i] = Stages.view((CompletionStage<?>) stages.get(i));
        }
        this.pending = new AtomicInteger(views.length);
    }

    /**
     * Starts a wait over the distinct {@code stages}; without a {@code timeout}, {@code timer} is unused.
     *
     * @throws IllegalArgumentException if {@code stages} is empty
     */
    static <S extends CompletionStage<?>> AsyncFuture<WaitResult<S>> start(Collection<? extends S> stages,
                                                                         ReturnWhen returnWhen, Duration timeout,
                                                                         AsyncTimer timer) {
        List<S> distinct = Stages.distinct(stages);
        if (distinct.isEmpty()) {
            throw new IllegalArgumentException("no stages to wait for");
        }
        WaitCall<S> w = new WaitCall<>(distinct, returnWhen);
        if (timeout != null) {
            w.timer = timer.schedule(timeout, w);
            w.result.onCancel(w::cancelTimer);
        }
        for (CompletableFuture<?> v : w.views) {
            if (w.result.isDone()) {
                break;
            }
            Stages.onDone((CompletableFuture<Object>) v, w);
        }
        return w.result;
    }

    /** One stage completed. */
    @Override
    public void accept(Object value, Throwable failure) {
        int left = pending.decrementAndGet();
        if (left == 0
                || returnWhen == ReturnWhen.FIRST_COMPLETED
                || returnWhen == ReturnWhen.FIRST_EXCEPTION && failure != null
                        && !(Failures.unwrap(failure) instanceof CancellationException)) {
            finish();
        }
    }

    /** The timeout: return what is done so far. */
    @Override
    public void run() {
        finish();
    }

    private void finish() {
        if (result.isDone()) {
            return;
        }
        cancelTimer();
        LinkedHashSet<S> done = new LinkedHashSet<>();
        LinkedHashSet<S> notDone = new LinkedHashSet<>();
        for (int i = 0; i < views.length; i++) {
            (views[i].isDone() ? done : notDone).add(stages.get(i));
        }
        result.settle(new WaitResult<>(done, notDone));
    }

    private void cancelTimer() {
        TimerHandle t = timer;
        if (t != null) {
            t.cancel();
        }
    }
}
