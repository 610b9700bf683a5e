package io.asyncio4j.benchmarks.peers;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/**
 * Netty's NIO or native epoll transport, chosen by name, and the server set-up every Netty peer shares: one event
 * loop group for boss and workers, a backlog of 1024, SO_REUSEADDR and TCP_NODELAY.
 */
enum NettyTransport {
    NIO, EPOLL;

    static NettyTransport of(String name) {
        switch (name) {
            case "nio":
                return NIO;
            case "epoll":
                if (!Epoll.isAvailable()) {
                    throw new IllegalStateException("epoll is not available", Epoll.unavailabilityCause());
                }
                return EPOLL;
            default:
                throw new IllegalArgumentException("unknown Netty transport: " + name + " (nio or epoll)");
        }
    }

    /**
     * Starts a server whose connections get {@code childHandler}.
     *
     * @return the listening channel
     * @throws InterruptedException if interrupted while binding
     */
    Channel bind(String host, int port, int threads, ChannelHandler childHandler) throws InterruptedException {
        return new ServerBootstrap()
                .group(group(threads))
                .channel(serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(childHandler)
                .bind(host, port).sync().channel();
    }

    private EventLoopGroup group(int threads) {
        return this == NIO ? new NioEventLoopGroup(threads) : new EpollEventLoopGroup(threads);
    }

    private Class<? extends ServerSocketChannel> serverChannel() {
        return this == NIO ? NioServerSocketChannel.class : EpollServerSocketChannel.class;
    }
}
