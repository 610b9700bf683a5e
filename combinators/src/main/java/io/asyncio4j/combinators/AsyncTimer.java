package io.asyncio4j.combinators;

import io.asyncio4j.AsyncFuture;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Schedules tasks in time, like asyncio's {@code call_later}/{@code call_at}, without ever running them on the
 * timer's own thread.
 *
 * <p>One daemon thread keeps the queue of deadlines; when tasks are due it hands them, in order, to one serial
 * lane on the timer's callback executor. Like asyncio's timer callbacks, they run one at a time in the order of
 * their deadlines, tasks due at the same moment in the order they were scheduled, each finished before the next
 * starts: two equal sleeps started in order complete in order, and nested {@code timeout} scopes due together
 * expire outermost first. So a task must be short: one that blocks delays every later timer (hand slow work to
 * another executor, or use {@link Async#runInExecutor}). Cancelled tasks leave the queue at once
 * ({@link #pendingTasks()} counts what is left). Tasks given to {@link #callSoon} and {@link #execute} go
 * straight to the callback executor instead, outside the lane, and may run in parallel.
 *
 * <p>{@link #shared()} is the timer the combinators use when none is given; an event loop has its own, whose
 * callbacks run on the loop's worker threads.
 */
public final class AsyncTimer implements AutoCloseable {

    private static final class SharedHolder {
        static final AsyncTimer SHARED = new AsyncTimer("asyncio4j-timer", null);
    }

    private final TimerQueue queue;
    private final Executor callbacks;
    private final ExecutorService ownedCallbacks;
    /** Where due tasks run, in order, on {@link #callbacks}. */
    private final TimerLane lane;

    private AsyncTimer(String name, Executor callbackExecutor) {
        this.queue = new TimerQueue(name + "-1");
        if (callbackExecutor == null) {
            int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
            ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(), daemonThreads(name + "-callback"));
            pool.allowCoreThreadTimeOut(true);
            this.ownedCallbacks = pool;
            this.callbacks = pool;
        } else {
            this.ownedCallbacks = null;
            this.callbacks = callbackExecutor;
        }
        this.lane = new TimerLane(callbacks);
    }

    /**
     * Creates a timer with its own daemon thread, running due tasks on {@code callbackExecutor}, one at a time in
     * deadline order (see above); {@link #execute} tasks go to it directly.
     *
     * @param name             the timer thread's name
     * @param callbackExecutor where due tasks run; it must not run them on the calling thread
     * @return a new timer; close it when done
     */
    public static AsyncTimer create(String name, Executor callbackExecutor) {
        return new AsyncTimer(Objects.requireNonNull(name, "name"),
                Objects.requireNonNull(callbackExecutor, "callbackExecutor"));
    }

    /**
     * Returns the process-wide timer, created on first use: one daemon timer thread and a small daemon pool that
     * runs due tasks. It is never closed.
     *
     * @return the shared timer
     */
    public static AsyncTimer shared() {
        return SharedHolder.SHARED;
    }

    /**
     * Returns the timer's clock, {@link System#nanoTime()} (asyncio's {@code loop.time()}).
     *
     * @return now, in nanoseconds
     */
    public long nanoTime() {
        return System.nanoTime();
    }

    /**
     * Runs {@code task} on the callback executor after {@code delay} (asyncio {@code loop.call_later}), never on the
     * timer's own thread: in the timer's lane, after every task due before it, or due at the same moment and
     * scheduled earlier, has finished.
     *
     * @param delay how long to wait; zero or negative means as soon as possible
     * @param task  what to run; an exception it throws goes to the running thread's uncaught-exception handler,
     *              and the next task still runs
     * @return a handle that cancels the task until it is due
     * @throws RejectedExecutionException if the timer is closed
     */
    public TimerHandle schedule(Duration delay, Runnable task) {
        long nanos = saturatedNanos(delay);
        return scheduleIn(System.nanoTime() + Math.max(0, nanos), task);
    }

    /**
     * Runs {@code task} on the callback executor at {@code deadlineNanos} on the {@link #nanoTime()} clock
     * (asyncio {@code loop.call_at}), in order with the other due tasks as {@link #schedule} does.
     *
     * @param deadlineNanos when to run
     * @param task          what to run
     * @return a handle that cancels the task until it is due
     * @throws RejectedExecutionException if the timer is closed
     */
    public TimerHandle scheduleAt(long deadlineNanos, Runnable task) {
        return scheduleIn(deadlineNanos, task);
    }

    /**
     * Hands {@code task} to the callback executor now: {@link #callSoon} without a handle, for code that uses the
     * timer as an executor. Outside the timer queue and the lane of due tasks, so tasks given here may run in
     * parallel with each other and with timer tasks.
     *
     * @param task what to run
     * @throws RejectedExecutionException if the callback executor is shut down
     */
    public void execute(Runnable task) {
        callbacks.execute(Objects.requireNonNull(task, "task"));
    }

    /**
     * Runs {@code task} soon on the callback executor (asyncio {@code loop.call_soon}), without going through the
     * timer's queue and outside the lane of due tasks. Tasks are handed to the executor in call order; whether
     * they also run in that order depends on the executor (the shared timer's has several threads).
     *
     * @param task what to run; an exception it throws goes to the running thread's uncaught-exception handler
     * @return a handle that cancels the task until it starts
     * @throws RejectedExecutionException if the callback executor is shut down
     */
    public TimerHandle callSoon(Runnable task) {
        SoonTask soon = new SoonTask(Objects.requireNonNull(task, "task"));
        TimerHandle handle = new TimerHandle(System.nanoTime());
        handle.bind(soon);
        callbacks.execute(soon);
        return handle;
    }

    /**
     * Schedules {@code hop} to run <em>on the timer thread</em> after {@code delay}; {@code hop} must do nothing
     * but hand the real work to {@link #callbackExecutor()}, which keeps it in order with the other due tasks.
     * Lets a hot path (waitFor) skip the wrapper task and the {@link TimerHandle} of {@link #schedule}.
     */
    TimerQueue.Entry scheduleOnTimerThread(Duration delay, Runnable hop) {
        return queue.schedule(saturatedNanos(delay), hop);
    }

    /** Where due tasks run: the lane, one at a time in the order the timer thread hands them over. */
    Executor callbackExecutor() {
        return lane;
    }

    private TimerHandle scheduleIn(long deadlineNanos, Runnable task) {
        Objects.requireNonNull(task, "task");
        TimerHandle handle = new TimerHandle(deadlineNanos);
        handle.bind(queue.scheduleAt(deadlineNanos, () -> {
            try {
                lane.execute(task);
            } catch (RejectedExecutionException closing) {
                // The callback executor is shutting down with the loop; the task has no one left to serve.
            }
        }));
        return handle;
    }

    /**
     * Returns a future completed with {@code null} after {@code delay} (asyncio {@code sleep}).
     *
     * @param delay how long to sleep
     * @return a future completed in the timer's lane on the callback executor, where its continuations run before
     *         the next due task starts; cancelling it removes the timer task
     */
    public AsyncFuture<Void> sleep(Duration delay) {
        return sleep(delay, null);
    }

    /**
     * Returns a future completed with {@code value} after {@code delay} (asyncio {@code sleep(delay, result)}).
     *
     * @param delay how long to sleep
     * @param value the result
     * @param <T>   the result type
     * @return a future completed in the timer's lane on the callback executor, where its continuations run before
     *         the next due task starts; cancelling it removes the timer task
     */
    public <T> AsyncFuture<T> sleep(Duration delay, T value) {
        AsyncFuture<T> f = new AsyncFuture<>();
        TimerHandle h = schedule(delay, () -> f.settle(value));
        return f.onCancel(h::cancel);
    }

    /**
     * Returns how many tasks wait in the timer's queue, cancelled ones excluded.
     *
     * @return the queue length
     */
    public int pendingTasks() {
        return queue.size();
    }

    /**
     * Stops the timer: tasks not yet due never run. The callback executor is shut down too when the timer created
     * it. Does not wait.
     */
    @Override
    public void close() {
        queue.close();
        if (ownedCallbacks != null) {
            ownedCallbacks.shutdown();
        }
    }

    /**
     * {@code d} in nanoseconds, clamped to half the range of a {@code long} either way, so that adding it to a
     * {@link #nanoTime()} reading cannot overflow.
     */
    static long saturatedNanos(Duration d) {
        Objects.requireNonNull(d, "delay");
        try {
            return d.toNanos();
        } catch (ArithmeticException overflow) {
            return d.isNegative() ? Long.MIN_VALUE / 2 : Long.MAX_VALUE / 2;
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
