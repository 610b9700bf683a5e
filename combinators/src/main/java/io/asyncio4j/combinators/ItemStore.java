package io.asyncio4j.combinators;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.Queue;

/**
 * The order in which an {@link AsyncQueue} gives out its items: the {@code _init/_put/_get} hooks of CPython's
 * {@code Queue}, {@code LifoQueue} and {@code PriorityQueue}. Items always leave from the head of {@link #items};
 * the order decides where an item goes in. Not thread-safe: the queue calls it under its lock.
 */
abstract class ItemStore<T> {

    final Queue<T> items;

    private ItemStore(Queue<T> items) {
        this.items = items;
    }

    /** Adds a new item. */
    abstract void add(T item);

    /**
     * Puts back an item that is older than every item stored: one handed to a getter that was cancelled before
     * it could take it. It goes where it would be had it never left.
     */
    abstract void addOldest(T item);

    /** Removes and returns the next item, or {@code null} if there is none. */
    final T poll() {
        return items.poll();
    }

    final int size() {
        return items.size();
    }

    final void clear() {
        items.clear();
    }

    static <T> ItemStore<T> fifo(int capacity) {
        return new Ends<>(capacity, false);
    }

    static <T> ItemStore<T> lifo(int capacity) {
        return new Ends<>(capacity, true);
    }

    static <T> ItemStore<T> priority(int capacity, Comparator<? super T> order) {
        return new Priority<>(capacity, order);
    }

    /** First in, first out, or, newest first, a stack whose top is the head. */
    private static final class Ends<T> extends ItemStore<T> {
        private final ArrayDeque<T> deque;
        private final boolean newestFirst;

        Ends(int capacity, boolean newestFirst) {
            this(new ArrayDeque<>(Math.min(capacity, 16)), newestFirst);
        }

        private Ends(ArrayDeque<T> deque, boolean newestFirst) {
            super(deque);
            this.deque = deque;
            this.newestFirst = newestFirst;
        }

        @Override
        void add(T item) {
            if (newestFirst) {
                deque.addFirst(item);
            } else {
                deque.addLast(item);
            }
        }

        @Override
        void addOldest(T item) {
            if (newestFirst) {
                deque.addLast(item);
            } else {
                deque.addFirst(item);
            }
        }
    }

    private static final class Priority<T> extends ItemStore<T> {

        Priority(int capacity, Comparator<? super T> order) {
            super(new PriorityQueue<>(Math.min(capacity, 11), order));
        }

        @Override
        void add(T item) {
            items.add(item);
        }

        @Override
        void addOldest(T item) {
            items.add(item); // age does not matter, priority does
        }
    }
}
