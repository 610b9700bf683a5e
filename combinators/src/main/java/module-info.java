/**
 * asyncio's concurrency toolkit over {@link io.asyncio4j.AsyncFuture}: timers, loops, gather, waitFor, wait,
 * asCompleted, shield, task groups, locks and queues. Knows nothing of sockets.
 */
module io.asyncio4j.combinators {
    requires transitive io.asyncio4j.api;
    requires transitive io.vavr;
    requires org.slf4j;

    exports io.asyncio4j.combinators;
}
