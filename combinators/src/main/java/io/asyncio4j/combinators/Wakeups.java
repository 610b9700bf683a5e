package io.asyncio4j.combinators;

import io.asyncio4j.AsyncFuture;

import java.util.ArrayDeque;

/**
 * Completes the waiters of the synchronization primitives and queues, outside their locks and never nested on
 * the stack.
 *
 * <p>Completing a waiter runs its continuations, which may release, put or set again and so wake the next
 * waiter: a chain of a thousand lock holders would recurse a thousand deep. While a thread is inside a wake-up,
 * further wake-ups it triggers are queued and run, in order, when the current one returns, before the outermost
 * call does.
 */
final class Wakeups {

    /** The future every fast path returns: already completed with {@code null}, shared, never cancelled. */
    static final AsyncFuture<Void> DONE = AsyncFuture.completed(null);

    private static final ThreadLocal<Wakeups> CURRENT = ThreadLocal.withInitial(Wakeups::new);

    private final ArrayDeque<Runnable> pending = new ArrayDeque<>();
    private boolean running;

    private Wakeups() {
    }

    /**
     * Runs {@code wakeUp} now on this thread, or, if this thread is already running a wake-up, as soon as that
     * one returns.
     *
     * @param wakeUp completes a waiter and settles what follows from its outcome; it must not block
     */
    static void run(Runnable wakeUp) {
        Wakeups w = CURRENT.get();
        if (w.running) {
            w.pending.addLast(wakeUp);
            return;
        }
        w.running = true;
        Throwable first = null;
        try {
            for (Runnable r = wakeUp; r != null; r = w.pending.pollFirst()) {
                try {
                    r.run();
                } catch (Throwable t) {
                    // A wake-up only completes futures and takes short locks; keep draining so no waiter is lost.
                    if (first == null) {
                        first = t;
                    } else {
                        first.addSuppressed(t);
                    }
                }
            }
        } finally {
            w.running = false;
        }
        if (first instanceof RuntimeException) {
            throw (RuntimeException) first;
        }
        if (first instanceof Error) {
            throw (Error) first;
        }
        if (first != null) {
            throw new IllegalStateException("wake-up failed", first);
        }
    }
}
