package io.asyncio4j.combinators;

import io.asyncio4j.AsyncFuture;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One bounded queue with two faces (janus): an {@linkplain #asyncSide() asynchronous side} whose operations
 * return futures, for code on event-loop threads, and a {@linkplain #blockingSide() blocking side} whose
 * operations block the calling thread, for worker threads and legacy code. Items flow either way: threads may
 * put and async code get, or the reverse, or any mix; both sides share one order, one capacity and one count of
 * unfinished tasks.
 *
 * <p>The blocking side waits on the same futures the asynchronous side returns, so it inherits their
 * guarantees: FIFO fairness across both sides, an item already in the queue when the put that waited for room
 * returns (or its future completes), and no item lost when a blocked thread is interrupted or times out just as
 * an item or a slot reaches it (the operation then completes normally and, for an interrupt, the thread's
 * interrupt status is set again).
 *
 * <p>Never call the blocking side on a thread that must not block: an NIO I/O thread, a timer thread, or a
 * continuation of an asyncio4j future (whose thread may be the one that has to wake you).
 *
 * @param <T> the item type
 */
public final class BridgeQueue<T> {

    private final AsyncQueue<T> queue;
    private final BlockingSide<T> blocking;

    private BridgeQueue(AsyncQueue<T> queue) {
        this.queue = queue;
        this.blocking = new BlockingSide<>(queue);
    }

    /**
     * Creates a bridge over a new first-in, first-out queue of {@code capacity} items.
     *
     * @param capacity the most items the queue holds
     * @param <T>      the item type
     * @return a new bridge
     * @throws IllegalArgumentException if {@code capacity} is not positive
     */
    public static <T> BridgeQueue<T> fifo(int capacity) {
        return new BridgeQueue<>(AsyncQueue.fifo(capacity));
    }

    /**
     * Creates a bridge over {@code queue}, which may be any {@link AsyncQueue} (FIFO, LIFO or priority).
     *
     * @param queue the queue; it stays usable directly, and is the {@link #asyncSide()}
     * @param <T>   the item type
     * @return a new bridge
     */
    public static <T> BridgeQueue<T> over(AsyncQueue<T> queue) {
        return new BridgeQueue<>(Objects.requireNonNull(queue, "queue"));
    }

    /**
     * Returns the asynchronous side (janus {@code async_q}): the queue itself.
     *
     * @return the queue
     */
    public AsyncQueue<T> asyncSide() {
        return queue;
    }

    /**
     * Returns the blocking side (janus {@code sync_q}).
     *
     * @return the blocking view of the same queue
     */
    public BlockingSide<T> blockingSide() {
        return blocking;
    }

    /**
     * The blocking view of a {@link BridgeQueue}, in the style of {@link java.util.concurrent.BlockingQueue}:
     * {@code put}/{@code take} wait as long as needed, interruptibly; {@code offer}/{@code poll} with a timeout
     * wait at most that long; without one they do not wait.
     *
     * @param <T> the item type
     */
    public static final class BlockingSide<T> {

        private final AsyncQueue<T> queue;

        private BlockingSide(AsyncQueue<T> queue) {
            this.queue = queue;
        }

        /**
         * Puts an item, blocking while the queue is full.
         *
         * @param item the item
         * @throws InterruptedException   if interrupted while waiting; the item was not put
         * @throws QueueShutdownException if the queue is or gets shut down first
         */
        public void put(T item) throws InterruptedException {
            await(queue.put(item));
        }

        /**
         * Puts an item if there is room within {@code timeout}.
         *
         * @param item    the item
         * @param timeout how long to wait at most
         * @return true if the item was put, false if the time ran out first
         * @throws InterruptedException   if interrupted while waiting; the item was not put
         * @throws QueueShutdownException if the queue is or gets shut down first
         */
        public boolean offer(T item, Duration timeout) throws InterruptedException {
            return awaitAtMost(queue.put(item), timeout);
        }

        /**
         * Puts an item if there is room now.
         *
         * @param item the item
         * @return true if the item was put
         * @throws QueueShutdownException if the queue was shut down
         */
        public boolean offer(T item) {
            return queue.offer(item);
        }

        /**
         * Takes the next item, blocking while the queue is empty.
         *
         * @return the item
         * @throws InterruptedException   if interrupted while waiting; no item was taken
         * @throws QueueShutdownException if the queue is shut down and empty, or shut down immediately
         */
        public T take() throws InterruptedException {
            return await(queue.get());
        }

        /**
         * Takes the next item if one arrives within {@code timeout}.
         *
         * @param timeout how long to wait at most
         * @return the item, or {@code null} if the time ran out first
         * @throws InterruptedException   if interrupted while waiting; no item was taken
         * @throws QueueShutdownException if the queue is shut down and empty, or shut down immediately
         */
        public T poll(Duration timeout) throws InterruptedException {
            AsyncFuture<T> get = queue.get();
            return awaitAtMost(get, timeout) ? get.join() : null;
        }

        /**
         * Takes the next item if there is one now.
         *
         * @return the item, or {@code null} if the queue is empty
         */
        public T poll() {
            return queue.poll();
        }

        /** Records that a taken item has been processed; see {@link AsyncQueue#taskDone()}. */
        public void taskDone() {
            queue.taskDone();
        }

        /**
         * Blocks until every item put has been marked done; see {@link AsyncQueue#join()}.
         *
         * @throws InterruptedException if interrupted while waiting
         */
        public void join() throws InterruptedException {
            await(queue.join());
        }

        /**
         * Returns the number of items a take could have now; see {@link AsyncQueue#size()}.
         *
         * @return the stored items, a snapshot
         */
        public int size() {
            return queue.size();
        }

        /**
         * Waits for {@code f}; on interrupt withdraws it, unless it completed meanwhile, in which case its result
         * is kept and the interrupt status restored.
         */
        private static <V> V await(AsyncFuture<V> f) throws InterruptedException {
            try {
                return f.get();
            } catch (InterruptedException e) {
                if (f.cancel(false)) {
                    throw e;
                }
                Thread.currentThread().interrupt();
                return outcome(f);
            } catch (ExecutionException e) {
                throw rethrow(e.getCause());
            }
        }

        /**
         * Waits for {@code f} at most {@code timeout}, withdrawing it on timeout or interrupt unless it completed
         * meanwhile.
         *
         * @return true if {@code f} succeeded, false if it was withdrawn on timeout
         */
        private static boolean awaitAtMost(AsyncFuture<?> f, Duration timeout) throws InterruptedException {
            try {
                f.get(Math.max(0, AsyncTimer.saturatedNanos(timeout)), TimeUnit.NANOSECONDS);
                return true;
            } catch (TimeoutException e) {
                if (f.cancel(false)) {
                    return false;
                }
            } catch (InterruptedException e) {
                if (f.cancel(false)) {
                    throw e;
                }
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                throw rethrow(e.getCause());
            }
            outcome(f); // it completed as we withdrew: keep its item or slot, or report its failure
            return true;
        }

        private static <V> V outcome(AsyncFuture<V> f) {
            try {
                return f.join();
            } catch (CancellationException e) {
                throw e;
            } catch (RuntimeException e) {
                throw rethrow(Failures.unwrap(e));
            }
        }

        private static RuntimeException rethrow(Throwable failure) {
            if (failure instanceof RuntimeException) {
                throw (RuntimeException) failure;
            }
            if (failure instanceof Error) {
                throw (Error) failure;
            }
            throw new IllegalStateException(failure);
        }
    }
}
