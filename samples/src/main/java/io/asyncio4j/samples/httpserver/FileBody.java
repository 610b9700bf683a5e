package io.asyncio4j.samples.httpserver;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.Connection;
import io.asyncio4j.combinators.Async;

import java.io.EOFException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.CompletionHandler;
import java.util.concurrent.CompletionException;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * Streams a file to a connection chunk by chunk, never holding more than one chunk plus the connection's capped
 * write queue: each chunk is read (without blocking a loop thread), queued, and the next one waits for
 * {@code drain()}.
 */
final class FileBody {

    private FileBody() {
    }

    /**
     * Sends {@code length} bytes of {@code file} from offset {@code from}.
     *
     * @param queued told the connection's queued output after each chunk is queued (for monitoring)
     * @param drain  waits until the next chunk may be queued (the connection's {@code drain()}, bounded in time)
     * @return a future completed when the last chunk is queued; it fails with {@link EOFException} if the file
     *         shrank, or with the connection's failure
     */
    static AsyncFuture<Void> send(Connection conn, AsynchronousFileChannel file, long from, long length,
                                  int chunkSize, LongConsumer queued, Supplier<AsyncFuture<Void>> drain) {
        long end = from + length;
        long[] position = {from};
        return Async.whileTrue(() -> {
            if (position[0] >= end) {
                return AsyncFuture.completed(false);
            }
            ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(chunkSize, end - position[0]));
            return read(file, chunk, position[0]).thenComposeAsync(n -> {
                if (n < 0) {
                    throw new CompletionException(new EOFException("file shrank while being sent"));
                }
                position[0] += n;
                AsyncFuture<Void> written = conn.write(chunk.flip());
                queued.accept(conn.pendingOutputBytes());
                return written.isCompletedExceptionally()
                        ? written.thenApply(x -> false)
                        : drain.get().thenApply(x -> true);
            }, conn.executor());
        });
    }

    private static AsyncFuture<Integer> read(AsynchronousFileChannel file, ByteBuffer into, long position) {
        AsyncFuture<Integer> result = new AsyncFuture<>();
        file.read(into, position, null, new CompletionHandler<Integer, Void>() {
            @Override
            public void completed(Integer n, Void attachment) {
                result.settle(n);
            }

            @Override
            public void failed(Throwable e, Void attachment) {
                result.settleExceptionally(e);
            }
        });
        return result;
    }
}
