package io.asyncio4j.benchmarks;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;

/**
 * The floor of our overhead: an echo server written directly against NIO.2 completion handlers, one reused
 * buffer per connection, partial writes looped. No futures, no queues, no limits.
 */
final class Nio2EchoServer {

    private final AsynchronousServerSocketChannel listener;

    Nio2EchoServer(String host, int port, int threads) throws IOException {
        listener = Nio2Session.listen(host, port, threads);
        listener.accept(null, new CompletionHandler<AsynchronousSocketChannel, Void>() {
            @Override
            public void completed(AsynchronousSocketChannel ch, Void unused) {
                listener.accept(null, this);
                try {
                    ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                } catch (IOException e) {
                    Nio2Session.close(ch);
                    return;
                }
                new Session(ch).read();
            }

            @Override
            public void failed(Throwable e, Void unused) {
                if (listener.isOpen()) {
                    listener.accept(null, this);
                }
            }
        });
    }

    int port() throws IOException {
        return ((InetSocketAddress) listener.getLocalAddress()).getPort();
    }

    /** Echoes what each read brought, from the one buffer it was read into. */
    private static final class Session extends Nio2Session {
        private final ByteBuffer buf = ByteBuffer.allocate(64 * 1024);

        Session(AsynchronousSocketChannel ch) {
            super(ch);
        }

        @Override
        ByteBuffer readBuffer() {
            return buf;
        }

        @Override
        ByteBuffer answer() {
            return buf.flip();
        }
    }
}
