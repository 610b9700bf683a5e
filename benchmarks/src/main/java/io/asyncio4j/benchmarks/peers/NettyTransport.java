package io.asyncio4j.benchmarks.peers;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/** Netty's NIO or native epoll transport, chosen by name. */
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

    EventLoopGroup group(int threads) {
        return this == NIO ? new NioEventLoopGroup(threads) : new EpollEventLoopGroup(threads);
    }

    Class<? extends ServerSocketChannel> serverChannel() {
        return this == NIO ? NioServerSocketChannel.class : EpollServerSocketChannel.class;
    }
}
