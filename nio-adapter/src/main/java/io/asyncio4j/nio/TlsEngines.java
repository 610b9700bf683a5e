package io.asyncio4j.nio;

import io.asyncio4j.TlsOptions;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;

/**
 * Creates the {@link SSLEngine} of one TLS connection from its {@link TlsOptions}: the side, the versions and
 * suites, ALPN, client authentication, and on a client the server's name — for SNI when it is a DNS name, and for
 * the {@code HTTPS} host name check, which the JDK does only when asked.
 */
final class TlsEngines {

    private TlsEngines() {
    }

    /**
     * The engine for {@code options}, {@code context} in place of the options' own when a server chose one by the
     * requested name. {@code serverName} is the name a client checks the server against (the host it connected to,
     * unless the options name one); {@code peer} gives the port a client's session cache keys on.
     */
    static SSLEngine create(TlsOptions options, SSLContext context, String serverName, SocketAddress peer) {
        int port = peer instanceof InetSocketAddress ip ? ip.getPort() : -1;
        SSLEngine engine = options.isServer() || serverName == null
                ? context.createSSLEngine()
                : context.createSSLEngine(serverName, port);
        engine.setUseClientMode(!options.isServer());
        SSLParameters p = engine.getSSLParameters();
        options.protocols().ifPresent(v -> p.setProtocols(v.toArray(String[]::new)));
        options.cipherSuites().ifPresent(v -> p.setCipherSuites(v.toArray(String[]::new)));
        if (!options.applicationProtocols().isEmpty()) {
            p.setApplicationProtocols(options.applicationProtocols().toArray(String[]::new));
        }
        if (options.isServer()) {
            switch (options.clientAuth()) {
                case REQUIRED -> p.setNeedClientAuth(true);
                case OPTIONAL -> p.setWantClientAuth(true);
                default -> p.setNeedClientAuth(false);
            }
        } else {
            if (serverName != null && !EventLoop.isAddressLiteral(serverName)) {
                p.setServerNames(List.<SNIServerName>of(new SNIHostName(serverName)));
            }
            if (options.hostnameVerification()) {
                if (serverName == null) {
                    throw new IllegalArgumentException("TLS host name verification needs the server's name: "
                            + "set it with TlsOptions.withServerName");
                }
                p.setEndpointIdentificationAlgorithm("HTTPS");
            }
        }
        engine.setSSLParameters(p);
        return engine;
    }

    /** The name a client sends as SNI, or {@code null}: DNS names only, as RFC 6066 says. */
    static String sniName(TlsOptions options, String serverName) {
        return options.isServer() || serverName == null || EventLoop.isAddressLiteral(serverName)
                ? null : serverName;
    }
}
