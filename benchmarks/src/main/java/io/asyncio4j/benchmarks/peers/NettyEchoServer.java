package io.asyncio4j.benchmarks.peers;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;

import java.net.InetSocketAddress;

/**
 * Netty's echo: one event loop group (boss and workers share it), a handler that writes every buffer it reads
 * back and flushes when the read burst ends, pooled buffers, TCP_NODELAY. {@code nio} or {@code epoll}; over TLS,
 * an {@code SslHandler} ({@link NettyTls}) in front of the same handler.
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
        this(transport, host, port, threads, null);
    }

    /**
     * Starts the echo server, over TLS when given a context.
     *
     * @param transport {@code nio} or {@code epoll}
     * @param host      the address to bind
     * @param port      the port, 0 for any
     * @param threads   event loop threads
     * @param tls       the server TLS context ({@link NettyTls#serverContext}), or {@code null} for plaintext
     * @throws InterruptedException if interrupted while binding
     */
    public NettyEchoServer(String transport, String host, int port, int threads, SslContext tls)
            throws InterruptedException {
        Echo echo = new Echo();
        channel = NettyTransport.of(transport).bind(host, port, threads, tls == null ? echo
                : new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(tls.newHandler(ch.alloc()), echo);
                    }
                });
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
