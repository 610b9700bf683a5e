package io.asyncio4j.nio;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One way a {@code CompletableFuture} can be completed from outside, that is, given up; {@code async} ones complete
 * it later, from the JDK's delay thread or its common pool.
 */
enum GiveUpMethod {
    CANCEL(false) {
        @Override
        void giveUp(CompletableFuture<?> f) {
            f.cancel(false);
        }
    },
    COMPLETE(false) {
        @Override
        void giveUp(CompletableFuture<?> f) {
            f.complete(null);
        }
    },
    COMPLETE_EXCEPTIONALLY(false) {
        @Override
        void giveUp(CompletableFuture<?> f) {
            f.completeExceptionally(new TimeoutException("given up"));
        }
    },
    OBTRUDE_VALUE(false) {
        @Override
        void giveUp(CompletableFuture<?> f) {
            f.obtrudeValue(null);
        }
    },
    OBTRUDE_EXCEPTION(false) {
        @Override
        void giveUp(CompletableFuture<?> f) {
            f.obtrudeException(new TimeoutException("given up"));
        }
    },
    OR_TIMEOUT(true) {
        @Override
        void giveUp(CompletableFuture<?> f) {
            f.orTimeout(1, TimeUnit.MILLISECONDS);
        }
    },
    COMPLETE_ON_TIMEOUT(true) {
        @Override
        void giveUp(CompletableFuture<?> f) {
            f.completeOnTimeout(null, 1, TimeUnit.MILLISECONDS);
        }
    },
    COMPLETE_ASYNC(true) {
        @Override
        void giveUp(CompletableFuture<?> f) {
            f.completeAsync(() -> null);
        }
    };

    final boolean async;

    GiveUpMethod(boolean async) {
        this.async = async;
    }

    abstract void giveUp(CompletableFuture<?> f);

    /** Gives {@code f} up and waits until it is complete. */
    void giveUpAndWait(CompletableFuture<?> f) {
        giveUp(f);
        if (async) {
            f.handle((v, e) -> null).orTimeout(30, TimeUnit.SECONDS).join();
        }
        assertThat(f).as(name() + " completed the future").isDone();
    }

    /** Whether it overwrites a value already delivered, as only the obtrude methods do. */
    boolean overwrites() {
        return this == OBTRUDE_VALUE || this == OBTRUDE_EXCEPTION;
    }
}
