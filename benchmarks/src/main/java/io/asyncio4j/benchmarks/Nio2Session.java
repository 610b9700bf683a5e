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
 * One connection of the hand-written NIO.2 servers, the floors of the benchmarks: read into a buffer, answer with
 * the bytes {@link #answer} returns (written out in full, partial writes looped), read again. Completion handlers
 * only: no futures, no queues, no limits. Any failure or the end of the stream closes the channel.
 */
abstract class Nio2Session {

    final AsynchronousSocketChannel ch;
    private ByteBuffer out;

    private final CompletionHandler<Integer, Void> onRead = new CompletionHandler<>() {
        @Override
        public void completed(Integer n, Void unused) {
            if (n < 0) {
                close(ch);
                return;
            }
            ByteBuffer reply = answer();
            if (reply == null) {
                read();
                return;
            }
            out = reply;
            ch.write(out, null, onWrite);
        }

        @Override
        public void failed(Throwable e, Void unused) {
            close(ch);
        }
    };

    private final CompletionHandler<Integer, Void> onWrite = new CompletionHandler<>() {
        @Override
        public void completed(Integer n, Void unused) {
            if (out.hasRemaining()) {
                ch.write(out, null, this);
            } else {
                read();
            }
        }

        @Override
        public void failed(Throwable e, Void unused) {
            close(ch);
        }
    };

    Nio2Session(AsynchronousSocketChannel ch) {
        this.ch = ch;
    }

    /** The buffer reads go into; {@link #read()} clears it first. */
    abstract ByteBuffer readBuffer();

    /** After a read into {@link #readBuffer()}: the bytes to send back, ready to be written, or null to read on. */
    abstract ByteBuffer answer();

    /** Starts the next read. */
    final void read() {
        ch.read(readBuffer().clear(), null, onRead);
    }

    /** A listener on a fixed pool of {@code threads} I/O threads, SO_REUSEADDR, a backlog of 1,024. */
    static AsynchronousServerSocketChannel listen(String host, int port, int threads) throws IOException {
        AsynchronousChannelGroup group = AsynchronousChannelGroup.withFixedThreadPool(threads,
                Executors.defaultThreadFactory());
        AsynchronousServerSocketChannel listener = AsynchronousServerSocketChannel.open(group);
        listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        listener.bind(new InetSocketAddress(host, port), 1024);
        return listener;
    }

    static void close(AsynchronousSocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // The benchmark only cares that the socket is gone.
        }
    }
}
