/**
 * The types asyncio4j users program against: {@link io.asyncio4j.AsyncFuture}, the future whose cancellation
 * reaches the operation in flight; {@link io.asyncio4j.Connection} and {@link io.asyncio4j.Server}; their
 * options; and the exceptions that name the rule a read or write broke. No I/O happens here: the
 * {@code io.asyncio4j.nio} module implements these types over NIO.2.
 */
package io.asyncio4j;
