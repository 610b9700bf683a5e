package io.asyncio4j.nio;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;
import java.util.concurrent.CompletionStage;

/**
 * A layer over another {@link ByteTransport} that passes every operation down unchanged (as Guava's
 * {@code Forwarding*} types do): a layer overrides only what it changes — the reads of a hand-over's
 * {@link PrefixedTransport}, the reads and writes of a layer that encodes (TLS) — and keeps the rest.
 */
abstract class ForwardingTransport implements ByteTransport {

    /** The transport underneath. */
    protected final ByteTransport lower;

    ForwardingTransport(ByteTransport lower) {
        this.lower = lower;
    }

    @Override
    public <A> void read(ByteBuffer dst, A attachment, CompletionHandler<Integer, ? super A> handler) {
        lower.read(dst, attachment, handler);
    }

    @Override
    public <A> void write(ByteBuffer src, A attachment, CompletionHandler<Integer, ? super A> handler) {
        lower.write(src, attachment, handler);
    }

    @Override
    public <A> void write(ByteBuffer[] srcs, int offset, int length, A attachment,
                          CompletionHandler<Long, ? super A> handler) {
        lower.write(srcs, offset, length, attachment, handler);
    }

    @Override
    public void shutdownOutput() throws IOException {
        lower.shutdownOutput();
    }

    @Override
    public void close() throws IOException {
        lower.close();
    }

    @Override
    public boolean wantsHeapBuffers() {
        return lower.wantsHeapBuffers();
    }

    @Override
    public CompletionStage<Void> closeOrderly() {
        return lower.closeOrderly();
    }

    @Override
    public SocketAddress localAddress() {
        return lower.localAddress();
    }

    @Override
    public SocketAddress remoteAddress() {
        return lower.remoteAddress();
    }

    @Override
    public <T> T getOption(SocketOption<T> option) throws IOException {
        return lower.getOption(option);
    }

    @Override
    public <T> void setOption(SocketOption<T> option, T value) throws IOException {
        lower.setOption(option, value);
    }
}
