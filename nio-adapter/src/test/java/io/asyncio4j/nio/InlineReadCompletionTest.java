package io.asyncio4j.nio;

import io.asyncio4j.ConnectionOptions;
import io.asyncio4j.combinators.AsyncTimer;
import org.junit.jupiter.api.Test;

import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;
import java.util.concurrent.CompletableFuture;

import static io.asyncio4j.nio.LoopFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A transport that completes every raw read inside the read call, as a layer with bytes parked does: the read pump
 * queues each completion behind the running task instead of nesting it, so a long run of them does not grow the
 * stack.
 */
class InlineReadCompletionTest {

    @Test
    void twoHundredThousandRawReadsCompletedInlineOneByteEachRunOnASmallStack() throws Exception {
        int n = 200_000;
        CompletableFuture<byte[]> read = new CompletableFuture<>();
        Thread small = new Thread(null, () -> {
            try {
                StreamConnection c = new StreamConnection(new InlineBytes(n), ConnectionOptions.defaults(),
                        AsyncTimer.shared());
                c.start();
                c.readExactly(n).whenComplete((b, e) -> {
                    if (e != null) {
                        read.completeExceptionally(e);
                    } else {
                        read.complete(b);
                    }
                });
            } catch (Throwable e) {
                read.completeExceptionally(e);
            }
        }, "small-stack", 256 * 1024);
        small.start();
        byte[] all = await(read);
        assertThat(all).hasSize(n);
        for (int i = 0; i < n; i++) {
            if (all[i] != (byte) i) {
                assertThat(all[i]).as("byte %d", i).isEqualTo((byte) i);
            }
        }
    }

    /** Completes every read inline with one byte: 0, 1, 2... then the end of the stream; writes vanish. */
    private static final class InlineBytes implements ByteTransport {
        private final int total;
        private int next;

        InlineBytes(int total) {
            this.total = total;
        }

        @Override
        public <A> void read(ByteBuffer dst, A attachment, CompletionHandler<Integer, ? super A> handler) {
            if (next == total) {
                handler.completed(-1, attachment);
                return;
            }
            dst.put((byte) next++);
            handler.completed(1, attachment);
        }

        @Override
        public <A> void write(ByteBuffer src, A attachment, CompletionHandler<Integer, ? super A> handler) {
            int n = src.remaining();
            src.position(src.limit());
            handler.completed(n, attachment);
        }

        @Override
        public <A> void write(ByteBuffer[] srcs, int offset, int length, A attachment,
                              CompletionHandler<Long, ? super A> handler) {
            long n = 0;
            for (int i = offset; i < offset + length; i++) {
                n += srcs[i].remaining();
                srcs[i].position(srcs[i].limit());
            }
            handler.completed(n, attachment);
        }

        @Override
        public void shutdownOutput() {
        }

        @Override
        public void close() {
        }

        @Override
        public SocketAddress localAddress() {
            return null;
        }

        @Override
        public SocketAddress remoteAddress() {
            return null;
        }

        @Override
        public <T> T getOption(SocketOption<T> option) {
            throw new UnsupportedOperationException(option.name());
        }

        @Override
        public <T> void setOption(SocketOption<T> option, T value) {
            throw new UnsupportedOperationException(option.name());
        }
    }
}
