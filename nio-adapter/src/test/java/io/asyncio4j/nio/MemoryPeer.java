package io.asyncio4j.nio;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** A {@link Peer} over the far end of a {@link MemoryTransport#pair}: each blocking call waits for one completion. */
final class MemoryPeer implements Peer {

    private static final int CHUNK = 64 * 1024;

    private final MemoryTransport end;

    MemoryPeer(MemoryTransport end) {
        this.end = end;
    }

    @Override
    public void write(byte[] bytes) throws IOException {
        ByteBuffer src = ByteBuffer.wrap(bytes);
        while (src.hasRemaining()) {
            CompletableFuture<Integer> written = new CompletableFuture<>();
            end.write(src, written, FutureCompletion.INSTANCE);
            await(written);
        }
    }

    @Override
    public byte[] read(int n) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        ByteBuffer dst = ByteBuffer.allocate(Math.min(n, CHUNK));
        while (got.size() < n) {
            dst.clear().limit(Math.min(dst.capacity(), n - got.size()));
            if (readOnce(dst) < 0) {
                break;
            }
            got.write(dst.array(), 0, dst.position());
        }
        return got.toByteArray();
    }

    @Override
    public byte[] readToEnd() throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        ByteBuffer dst = ByteBuffer.allocate(CHUNK);
        while (readOnce(dst.clear()) >= 0) {
            got.write(dst.array(), 0, dst.position());
        }
        return got.toByteArray();
    }

    private int readOnce(ByteBuffer dst) throws IOException {
        CompletableFuture<Integer> read = new CompletableFuture<>();
        end.read(dst, read, FutureCompletion.INSTANCE);
        return await(read);
    }

    @Override
    public void shutdownOutput() {
        end.shutdownOutput();
    }

    @Override
    public void reset() {
        end.reset();
    }

    @Override
    public void close() {
        end.close();
    }

    private static int await(CompletableFuture<Integer> f) throws IOException {
        try {
            return LoopFixture.await(f);
        } catch (CompletionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new UncheckedIOException(new IOException(e.getCause()));
        }
    }
}
