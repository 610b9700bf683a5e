package io.asyncio4j.benchmarks.peers;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.net.InetSocketAddress;

/**
 * Netty's echo: one event loop group (boss and workers share it), a handler that writes every buffer it reads
 * back and flushes when the read burst ends, pooled buffers, TCP_NODELAY. {@code nio} or {@code epoll}.
 */
public final class NettyEchoServer {

    private final Channel channel;

    /**
     * Starts the echo server.
     *
     * @param transport {@code nio} or {@code epoll}
     * @param host      the address to bind
     * @param port      the port, 0 for any
     * @param threads   event loop threads
     * @throws InterruptedException if interrupted while binding
     */
    public NettyEchoServer(String transport, String host, int port, int threads) throws InterruptedException {
        channel = NettyTransport.of(transport).bind(host, port, threads, new Echo());
    }

    /**
     * Returns the bound port.
     *
     * @return the port
     */
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** Writes back what it reads; flushes once per read burst. Stateless, so shared by every connection. */
    @ChannelHandler.Sharable
    private static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
