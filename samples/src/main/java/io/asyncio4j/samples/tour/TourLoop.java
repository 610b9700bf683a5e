package io.asyncio4j.samples.tour;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.combinators.Async;
import io.asyncio4j.combinators.AsyncTimer;
import io.asyncio4j.combinators.TimerHandle;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * A one-thread event loop for the tour, so that each recipe prints its lines in asyncio's order: every callback,
 * timer and continuation runs on the loop's thread, one at a time, in the order scheduled. Timers and sleeps are
 * asyncio4j's own: an {@link AsyncTimer} with this loop as its callback executor.
 *
 * <p>As in asyncio, where the ready queue runs before the loop polls for timers, a callback scheduled by the
 * loop's own code runs before a timer or a worker's completion that arrived meanwhile from another thread.
 */
public final class TourLoop implements Executor, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TourLoop.class);

    private final Object lock = new Object();
    private final ArrayDeque<Runnable> soon = new ArrayDeque<>();    // scheduled from the loop thread
    private final ArrayDeque<Runnable> arrived = new ArrayDeque<>(); // handed in by other threads
    private final Thread thread;
    private final AsyncTimer timer;
    private boolean closed;
    /** Whether a {@link #runUntilComplete} is in progress: as in asyncio, nothing runs outside one. */
    private boolean running;

    /**
     * Creates the loop (asyncio {@code new_event_loop()}); its thread runs callbacks only while
     * {@link #runUntilComplete} runs.
     */
    public TourLoop() {
        thread = new Thread(this::runLoop, "tour-loop");
        thread.setDaemon(true);
        thread.start();
        timer = AsyncTimer.create("tour-timer", this);
    }

    /**
     * Runs {@code coroutine} on the loop and waits for it (asyncio {@code run_until_complete}); the callbacks
     * scheduled before it finished run first, as asyncio stops the loop with a callback of its own.
     *
     * @param coroutine starts the work on the loop thread
     * @param <T>       the result type
     * @return the result
     * @throws java.util.concurrent.CancellationException if it was cancelled
     * @throws java.util.concurrent.CompletionException   if it failed
     */
    public <T> T runUntilComplete(Supplier<? extends CompletionStage<T>> coroutine) {
        CompletableFuture<T> stopped = new CompletableFuture<>();
        execute(() -> coroutine.get().whenComplete((v, e) -> callSoon(() -> {
            synchronized (lock) {
                running = false; // as asyncio's loop stops: what is scheduled later waits for the next run
            }
            if (e == null) {
                stopped.complete(v);
            } else {
                stopped.completeExceptionally(Async.unwrap(e));
            }
        })));
        synchronized (lock) {
            running = true;
            lock.notifyAll();
        }
        return stopped.join();
    }

    /**
     * Runs {@code callback} on the next loop iteration (asyncio {@code loop.call_soon}).
     *
     * @param callback what to run
     * @return a handle that cancels it until it starts
     */
    public TimerHandle callSoon(Runnable callback) {
        return timer.callSoon(callback);
    }

    /**
     * Runs {@code callback} on the loop after {@code delay} (asyncio {@code loop.call_later}).
     *
     * @param delay    how long to wait
     * @param callback what to run
     * @return a handle that cancels it
     */
    public TimerHandle callLater(Duration delay, Runnable callback) {
        return timer.schedule(delay, callback);
    }

    /**
     * Completes on the loop after {@code delay} (asyncio {@code asyncio.sleep}), one loop iteration after its timer
     * fires, as an asyncio task resumes from a finished sleep through {@code call_soon}: a {@code task.cancel()}
     * made in the iteration where the timer fired still reaches the sleeper, as asyncio's does.
     *
     * @param delay how long to sleep
     * @return a future; cancelling it removes the timer
     */
    public AsyncFuture<Void> sleep(Duration delay) {
        AsyncFuture<Void> fired = timer.sleep(delay);
        AsyncFuture<Void> slept = new AsyncFuture<>(() -> fired.cancel(false));
        fired.addDoneCallback((v, e) -> {
            if (e == null) {
                callSoon(() -> slept.settle(null)); // refused if the sleeper was cancelled meanwhile
            }
        });
        return slept;
    }

    /**
     * Wraps a coroutine in a task that starts on the next loop iteration (asyncio {@code loop.create_task}).
     *
     * @param name      the coroutine's name, for the task's description ({@code task_func()})
     * @param coroutine starts the work
     * @param <T>       the result type
     * @return the task
     */
    public <T> Task<T> createTask(String name, Supplier<? extends CompletionStage<T>> coroutine) {
        return new Task<>(this, name, coroutine);
    }

    /** @return the loop's timer, for combinators that take one ({@code Async.wait(..., timeout, timer)}) */
    public AsyncTimer timer() {
        return timer;
    }

    /** Schedules {@code task} on the loop thread; {@code Executor} for the loop's timer. */
    @Override
    public void execute(Runnable task) {
        synchronized (lock) {
            if (closed) {
                return; // as a closed asyncio loop: nothing runs any more
            }
            (Thread.currentThread() == thread ? soon : arrived).add(task);
            lock.notifyAll();
        }
    }

    /** Stops the loop; what is still scheduled never runs (asyncio {@code loop.close()}). */
    @Override
    public void close() {
        timer.close();
        synchronized (lock) {
            closed = true;
            soon.clear();
            arrived.clear();
            lock.notifyAll();
        }
    }

    private void runLoop() {
        for (;;) {
            Runnable next;
            synchronized (lock) {
                while (!closed && (!running || soon.isEmpty() && arrived.isEmpty())) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
                next = soon.isEmpty() ? arrived.poll() : soon.poll();
            }
            try {
                next.run();
            } catch (RuntimeException | Error e) {
                log.error("a callback failed on the tour loop", e);
            }
        }
    }
}
