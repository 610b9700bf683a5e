package io.asyncio4j.benchmarks.peers;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import javax.net.ssl.SSLException;
import java.nio.file.Path;
import java.util.List;

/**
 * The server TLS context of the Netty peers: {@code SslHandler} on the JDK's own {@code SSLEngine}
 * ({@link SslProvider#JDK}, not OpenSSL), so Netty and asyncio4j run the same TLS code on the same JDK, with one
 * protocol version and one cipher suite enabled, the ones the other side is pinned to.
 */
public final class NettyTls {

    private NettyTls() {
    }

    /**
     * Builds the server context.
     *
     * @param certificateChain PEM certificate chain, the server's certificate first
     * @param privateKey       its PKCS#8 PEM private key, unencrypted
     * @param protocol         the one protocol version enabled, such as {@code TLSv1.3}
     * @param cipherSuite      the one cipher suite enabled, such as {@code TLS_AES_128_GCM_SHA256}
     * @return the context; {@code context.newHandler(channel.alloc())} makes each connection's {@code SslHandler}
     * @throws SSLException if the files cannot be read or the JDK does not support the protocol or suite
     */
    public static SslContext serverContext(Path certificateChain, Path privateKey, String protocol,
                                           String cipherSuite) throws SSLException {
        return SslContextBuilder.forServer(certificateChain.toFile(), privateKey.toFile())
                .sslProvider(SslProvider.JDK)
                .protocols(protocol)
                .ciphers(List.of(cipherSuite))
                .build();
    }
}
