package io.asyncio4j.combinators;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * The order in which an {@link AsyncQueue} gives out its items: the {@code _init/_put/_get} hooks of CPython's
 * {@code Queue}, {@code LifoQueue} and {@code PriorityQueue}. Not thread-safe: the queue calls it under its lock.
 */
abstract class ItemStore<T> {

    /** Adds a new item. */
    abstract void add(T item);

    /**
     * Puts back an item that is older than every item stored: one handed to a getter that was cancelled before
     * it could take it. It goes where it would be had it never left.
     */
    abstract void addOldest(T item);

    /** Removes and returns the next item, or {@code null} if there is none. */
    abstract T poll();

    abstract int size();

    abstract void clear();

    static <T> ItemStore<T> fifo(int capacity) {
        return new Fifo<>(capacity);
    }

    static <T> ItemStore<T> lifo(int capacity) {
        return new Lifo<>(capacity);
    }

    static <T> ItemStore<T> priority(int capacity, Comparator<? super T> order) {
        return new Priority<>(capacity, order);
    }

    private static final class Fifo<T> extends ItemStore<T> {
        private final ArrayDeque<T> items;

        Fifo(int capacity) {
            items = new ArrayDeque<>(Math.min(capacity, 16));
        }

        @Override
        void add(T item) {
            items.addLast(item);
        }

        @Override
        void addOldest(T item) {
            items.addFirst(item);
        }

        @Override
        T poll() {
            return items.pollFirst();
        }

        @Override
        int size() {
            return items.size();
        }

        @Override
        void clear() {
            items.clear();
        }
    }

    private static final class Lifo<T> extends ItemStore<T> {
        private final ArrayDeque<T> items; // the top of the stack is the first element

        Lifo(int capacity) {
            items = new ArrayDeque<>(Math.min(capacity, 16));
        }

        @Override
        void add(T item) {
            items.addFirst(item);
        }

        @Override
        void addOldest(T item) {
            items.addLast(item);
        }

        @Override
        T poll() {
            return items.pollFirst();
        }

        @Override
        int size() {
            return items.size();
        }

        @Override
        void clear() {
            items.clear();
        }
    }

    private static final class Priority<T> extends ItemStore<T> {
        private final PriorityQueue<T> items;

        Priority(int capacity, Comparator<? super T> order) {
            items = new PriorityQueue<>(Math.min(capacity, 11), order);
        }

        @Override
        void add(T item) {
            items.add(item);
        }

        @Override
        void addOldest(T item) {
            items.add(item); // age does not matter, priority does
        }

        @Override
        T poll() {
            return items.poll();
        }

        @Override
        int size() {
            return items.size();
        }

        @Override
        void clear() {
            items.clear();
        }
    }
}
