package io.asyncio4j.nio;

import java.nio.channels.CompletionHandler;
import java.util.concurrent.CompletableFuture;

/** A transport operation's handler that completes the future it is given as attachment, for tests that wait on it. */
enum FutureCompletion implements CompletionHandler<Integer, CompletableFuture<Integer>> {
    INSTANCE;

    @Override
    public void completed(Integer n, CompletableFuture<Integer> f) {
        f.complete(n);
    }

    @Override
    public void failed(Throwable e, CompletableFuture<Integer> f) {
        f.completeExceptionally(e);
    }
}
