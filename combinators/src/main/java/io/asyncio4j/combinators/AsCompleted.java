package io.asyncio4j.combinators;

import io.asyncio4j.AsyncFuture;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * The state of one {@link Async#asCompleted}: one output future per distinct stage, handed out in completion
 * order. Each completing stage claims the next output slot; the timeout claims all the slots left and fails
 * them, so a stage and the timer never fill the same slot.
 *
 * @param <T> the result type
 */
final class AsCompleted<T> implements BiConsumer<T, Throwable>, Runnable {

    private final List<AsyncFuture<T>> outputs;
    private final AtomicInteger next = new AtomicInteger();
    private final Duration timeout;
    private volatile TimerHandle timer;

    private AsCompleted(int n, Duration timeout) {
        List<AsyncFuture<T>> outs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            outs.add(new AsyncFuture<>());
        }
        this.outputs = Collections.unmodifiableList(outs);
        this.timeout = timeout;
    }

    static <T> List<AsyncFuture<T>> start(List<? extends CompletionStage<? extends T>> distinct, Duration timeout,
                                          AsyncTimer timer) {
        AsCompleted<T> a = new AsCompleted<>(distinct.size(), timeout);
        for (CompletionStage<? extends T> s : distinct) {
            @SuppressWarnings("unchecked")
            CompletableFuture<T> v = (CompletableFuture<T>) Stages.view(s);
            Stages.onDone(v, a);
        }
        // Armed after the stages already complete have taken their slots, so even a tiny timeout keeps them.
        if (timeout != null && a.next.get() < a.outputs.size()) {
            TimerHandle t = timer.schedule(timeout, a);
            a.timer = t;
            if (a.next.get() >= a.outputs.size()) {
                t.cancel(); // the last slot was claimed before it could see the timer
            }
        }
        return a.outputs;
    }

    /** A stage completed: it fills the next slot, unless the timeout took them all. */
    @Override
    public void accept(T value, Throwable failure) {
        int slot = next.getAndIncrement();
        if (slot >= outputs.size()) {
            return;
        }
        if (slot == outputs.size() - 1) {
            TimerHandle t = timer;
            if (t != null) {
                t.cancel();
            }
        }
        AsyncFuture<T> out = outputs.get(slot);
        if (failure == null) {
            out.settle(value);
        } else {
            out.settleExceptionally(Failures.unwrap(failure));
        }
    }

    /** The timeout: every slot not yet claimed fails. */
    @Override
    public void run() {
        int n = outputs.size();
        int first = next.getAndSet(n);
        for (int i = first; i < n; i++) {
            outputs.get(i).settleExceptionally(new TimeoutException("asCompleted timed out after " + timeout));
        }
    }
}
