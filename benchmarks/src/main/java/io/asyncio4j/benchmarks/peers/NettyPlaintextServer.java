package io.asyncio4j.benchmarks.peers;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Date;

/**
 * Netty's HTTP hello world in the shape of its TechEmpower entry: {@code HttpServerCodec} and a handler answering
 * {@code GET /plaintext} with {@code Hello, World!} and the headers the asyncio4j sample sends (Content-Type,
 * Content-Length, Date), responses written per request and flushed once per read burst, so pipelined requests
 * share a flush. Other paths get 404. Over TLS (HTTPS), an {@code SslHandler} ({@link NettyTls}) comes first in the
 * pipeline.
 */
public final class NettyPlaintextServer {

    private static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.US_ASCII);
    private static final ByteBuf HELLO_BUF = Unpooled.unreleasableBuffer(Unpooled.directBuffer().writeBytes(HELLO));
    private static final AsciiString TEXT_PLAIN = AsciiString.cached("text/plain");
    private static final AsciiString HELLO_LENGTH = AsciiString.cached(String.valueOf(HELLO.length));

    private final Channel channel;

    /**
     * Starts the server.
     *
     * @param transport {@code nio} or {@code epoll}
     * @param host      the address to bind
     * @param port      the port, 0 for any
     * @param threads   event loop threads
     * @throws InterruptedException if interrupted while binding
     */
    public NettyPlaintextServer(String transport, String host, int port, int threads) throws InterruptedException {
        this(transport, host, port, threads, null);
    }

    /**
     * Starts the server, over TLS (HTTPS) when given a context.
     *
     * @param transport {@code nio} or {@code epoll}
     * @param host      the address to bind
     * @param port      the port, 0 for any
     * @param threads   event loop threads
     * @param tls       the server TLS context ({@link NettyTls#serverContext}), or {@code null} for plain HTTP
     * @throws InterruptedException if interrupted while binding
     */
    public NettyPlaintextServer(String transport, String host, int port, int threads, SslContext tls)
            throws InterruptedException {
        channel = NettyTransport.of(transport).bind(host, port, threads, new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                if (tls != null) {
                    ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                }
                ch.pipeline().addLast(new HttpServerCodec(), new Hello());
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

    /** Answers each request head; drops bodies (GETs have none). */
    private static final class Hello extends ChannelInboundHandlerAdapter {
        private long dateSecond = -1;
        private AsciiString date;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpRequest) {
                    HttpRequest req = (HttpRequest) msg;
                    boolean hello = "/plaintext".equals(req.uri());
                    FullHttpResponse res = hello
                            ? new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                                    HELLO_BUF.duplicate(), false)
                            : new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND,
                                    Unpooled.EMPTY_BUFFER, false);
                    res.headers()
                            .set(HttpHeaderNames.CONTENT_TYPE, TEXT_PLAIN)
                            .set(HttpHeaderNames.CONTENT_LENGTH, hello ? HELLO_LENGTH : HttpHeaderValues.ZERO)
                            .set(HttpHeaderNames.DATE, date());
                    if (HttpUtil.isKeepAlive(req)) {
                        ctx.write(res, ctx.voidPromise());
                    } else {
                        ctx.writeAndFlush(res).addListener(f -> ctx.close());
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private AsciiString date() {
            long second = System.currentTimeMillis() / 1000;
            if (second != dateSecond) {
                dateSecond = second;
                date = new AsciiString(DateFormatter.format(new Date(second * 1000)));
            }
            return date;
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
