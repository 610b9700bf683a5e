/**
 * The peers asyncio4j is measured against: Netty echo and HTTP hello world on NIO and native epoll, plaintext or
 * over TLS with {@code SslHandler} on the JDK's engine ({@link io.asyncio4j.benchmarks.peers.NettyTls}), a blocking
 * echo on virtual threads, and the JDK's {@code com.sun.net.httpserver}. Started by name from
 * {@link io.asyncio4j.benchmarks.EchoServerMain} and {@link io.asyncio4j.benchmarks.PlaintextServerMain}.
 */
package io.asyncio4j.benchmarks.peers;
