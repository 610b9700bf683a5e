package io.asyncio4j.benchmarks;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.util.concurrent.Executors;

/**
 * The floor of our overhead: an echo server written directly against NIO.2 completion handlers, one reused
 * buffer per connection, partial writes looped. No futures, no queues, no limits.
 */
final class Nio2EchoServer {

    private final AsynchronousServerSocketChannel listener;

    Nio2EchoServer(String host, int port, int threads) throws IOException {
        AsynchronousChannelGroup group = AsynchronousChannelGroup.withFixedThreadPool(threads,
                Executors.defaultThreadFactory());
        listener = AsynchronousServerSocketChannel.open(group);
        listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        listener.bind(new InetSocketAddress(host, port), 1024);
        listener.accept(null, new CompletionHandler<AsynchronousSocketChannel, Void>() {
            @Override
            public void completed(AsynchronousSocketChannel ch, Void unused) {
                listener.accept(null, this);
                try {
                    ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                } catch (IOException e) {
                    close(ch);
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

    private static void close(AsynchronousSocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // The benchmark only cares that the socket is gone.
        }
    }

    private static final class Session {
        private final AsynchronousSocketChannel ch;
        private final ByteBuffer buf = ByteBuffer.allocate(64 * 1024);

        private final CompletionHandler<Integer, Void> onRead = new CompletionHandler<>() {
            @Override
            public void completed(Integer n, Void unused) {
                if (n < 0) {
                    close(ch);
                    return;
                }
                buf.flip();
                ch.write(buf, null, onWrite);
            }

            @Override
            public void failed(Throwable e, Void unused) {
                close(ch);
            }
        };

        private final CompletionHandler<Integer, Void> onWrite = new CompletionHandler<>() {
            @Override
            public void completed(Integer n, Void unused) {
                if (buf.hasRemaining()) {
                    ch.write(buf, null, this);
                } else {
                    read();
                }
            }

            @Override
            public void failed(Throwable e, Void unused) {
                close(ch);
            }
        };

        Session(AsynchronousSocketChannel ch) {
            this.ch = ch;
        }

        void read() {
            buf.clear();
            ch.read(buf, null, onRead);
        }
    }
}
