package io.asyncio4j.combinators;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * The {@code (done, pending)} pair that {@link Async#wait} returns: the stages it was given, split by whether
 * they had completed when the wait ended.
 *
 * <p>Both sets hold the original stage objects (compare them by identity, as asyncio compares tasks), iterate in
 * the order the stages were given, and are unmodifiable. A stage in {@link #pending()} may have completed since.
 *
 * @param <S> the type of the stages
 */
public final class WaitResult<S> {

    private final Set<S> done;
    private final Set<S> pending;

    WaitResult(LinkedHashSet<S> done, LinkedHashSet<S> pending) {
        this.done = Collections.unmodifiableSet(done);
        this.pending = Collections.unmodifiableSet(pending);
    }

    /**
     * Returns the stages that had completed, normally, exceptionally or by cancellation.
     *
     * @return an unmodifiable set, in the order the stages were given
     */
    public Set<S> done() {
        return done;
    }

    /**
     * Returns the stages that had not completed; {@code wait} never cancels them.
     *
     * @return an unmodifiable set, in the order the stages were given
     */
    public Set<S> pending() {
        return pending;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WaitResult && done.equals(((WaitResult<?>) o).done)
                && pending.equals(((WaitResult<?>) o).pending);
    }

    @Override
    public int hashCode() {
        return Objects.hash(done, pending);
    }

    @Override
    public String toString() {
        return "WaitResult[done=" + done.size() + ", pending=" + pending.size() + "]";
    }
}
