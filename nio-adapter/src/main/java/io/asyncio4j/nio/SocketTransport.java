package io.asyncio4j.nio;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.util.concurrent.TimeUnit;

/**
 * {@link ByteTransport} over an {@link AsynchronousSocketChannel}. Reads and writes are never timed and never
 * cancelled: NIO.2 puts a channel whose read timed out or was cancelled into an error state, so timeouts and
 * cancellation live above, in timers and in the connection's buffer.
 */
final class SocketTransport implements ByteTransport {

    private final AsynchronousSocketChannel channel;
    private final SocketAddress local;
    private final SocketAddress remote;

    SocketTransport(AsynchronousSocketChannel channel) throws IOException {
        this.channel = channel;
        this.local = channel.getLocalAddress();
        this.remote = channel.getRemoteAddress();
    }

    @Override
    public <A> void read(ByteBuffer dst, A attachment, CompletionHandler<Integer, ? super A> handler) {
        channel.read(dst, attachment, handler);
    }

    @Override
    public <A> void write(ByteBuffer src, A attachment, CompletionHandler<Integer, ? super A> handler) {
        channel.write(src, attachment, handler);
    }

    @Override
    public <A> void write(ByteBuffer[] srcs, int offset, int length, A attachment,
                          CompletionHandler<Long, ? super A> handler) {
        // The gathering form has no untimed overload; a timeout of 0 means none (no timer is armed).
        channel.write(srcs, offset, length, 0L, TimeUnit.MILLISECONDS, attachment, handler);
    }

    @Override
    public void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public SocketAddress localAddress() {
        return local;
    }

    @Override
    public SocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public <T> T getOption(SocketOption<T> option) throws IOException {
        return channel.getOption(option);
    }

    @Override
    public <T> void setOption(SocketOption<T> option, T value) throws IOException {
        channel.setOption(option, value);
    }
}
