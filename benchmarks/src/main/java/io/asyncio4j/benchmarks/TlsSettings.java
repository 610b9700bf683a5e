package io.asyncio4j.benchmarks;

import io.asyncio4j.TlsContexts;
import io.asyncio4j.TlsOptions;
import io.asyncio4j.benchmarks.peers.NettyTls;
import io.netty.handler.ssl.SslContext;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Iterator;
import java.util.List;

/**
 * The TLS flags every benchmark process takes after its positional arguments. Servers: {@code --tls-cert CERT.pem
 * --tls-key KEY.pem} (a PEM certificate chain and its unencrypted PKCS#8 PEM key) serve TLS instead of plaintext.
 * Load drivers: {@code --cacert CERT.pem} connects over TLS trusting that certificate alone. Both:
 * {@code --tls-protocol} (default {@value #DEFAULT_PROTOCOL}) and {@code --tls-cipher} (default
 * {@value #DEFAULT_CIPHER_SUITE}) name the one protocol version and the one cipher suite enabled, so that every
 * server is measured on the same ones.
 */
final class TlsSettings {

    /** The protocol version both sides enable unless told otherwise. */
    static final String DEFAULT_PROTOCOL = "TLSv1.3";
    /** The cipher suite both sides enable unless told otherwise. */
    static final String DEFAULT_CIPHER_SUITE = "TLS_AES_128_GCM_SHA256";

    private final Path certificate;
    private final Path key;
    private final Path trusted;
    private final String protocol;
    private final String cipherSuite;

    private TlsSettings(Path certificate, Path key, Path trusted, String protocol, String cipherSuite) {
        this.certificate = certificate;
        this.key = key;
        this.trusted = trusted;
        this.protocol = protocol;
        this.cipherSuite = cipherSuite;
    }

    /**
     * Takes the TLS flags and their values out of {@code args}, leaving the positional arguments.
     *
     * @param args the command line, changed in place
     * @return the settings; without {@code --tls-cert} and {@code --cacert}, plaintext
     * @throws IllegalArgumentException if a flag has no value, or one of {@code --tls-cert} and {@code --tls-key}
     *                                  comes without the other
     */
    static TlsSettings takeFrom(List<String> args) {
        Path certificate = null;
        Path key = null;
        Path trusted = null;
        String protocol = DEFAULT_PROTOCOL;
        String cipherSuite = DEFAULT_CIPHER_SUITE;
        for (Iterator<String> it = args.iterator(); it.hasNext(); ) {
            String flag = it.next();
            if (!flag.startsWith("--")) {
                continue;
            }
            it.remove();
            if (!it.hasNext()) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            String value = it.next();
            it.remove();
            switch (flag) {
                case "--tls-cert":
                    certificate = Path.of(value);
                    break;
                case "--tls-key":
                    key = Path.of(value);
                    break;
                case "--cacert":
                    trusted = Path.of(value);
                    break;
                case "--tls-protocol":
                    protocol = value;
                    break;
                case "--tls-cipher":
                    cipherSuite = value;
                    break;
                default:
                    throw new IllegalArgumentException("unknown flag: " + flag
                            + " (--tls-cert, --tls-key, --cacert, --tls-protocol or --tls-cipher)");
            }
        }
        if ((certificate == null) != (key == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together");
        }
        return new TlsSettings(certificate, key, trusted, protocol, cipherSuite);
    }

    /** @return whether a server was given a certificate and key to serve TLS with */
    boolean serves() {
        return certificate != null;
    }

    /** @return whether a load driver was given a certificate to trust, and so connects over TLS */
    boolean connects() {
        return trusted != null;
    }

    /** @return the protocol version and the cipher suite, as a report names them */
    String describe() {
        return protocol + " " + cipherSuite;
    }

    /**
     * asyncio4j's server side, built through its public API as an application would.
     *
     * @return the server TLS options, or {@code null} when not serving TLS (what
     *         {@link io.asyncio4j.ConnectionOptions#withTls} reads as plaintext)
     * @throws IOException              if the files cannot be read
     * @throws GeneralSecurityException if they hold no usable certificate and key
     */
    TlsOptions asyncio4jServer() throws IOException, GeneralSecurityException {
        if (!serves()) {
            return null;
        }
        return TlsOptions.server(TlsContexts.fromPem(certificate, key))
                .withProtocols(protocol)
                .withCipherSuites(cipherSuite);
    }

    /**
     * Netty's server side: {@code SslHandler} on the JDK's engine.
     *
     * @return the context, or {@code null} when not serving TLS
     * @throws IOException if the files cannot be read or the JDK does not support the protocol or suite
     */
    SslContext nettyServer() throws IOException {
        return serves() ? NettyTls.serverContext(certificate, key, protocol, cipherSuite) : null;
    }

    /**
     * The load drivers' side: a context trusting the {@code --cacert} certificates alone. Built with the JDK
     * directly, so the drivers do not depend on the library they measure.
     *
     * @return the client context
     * @throws IOException              if the file cannot be read
     * @throws GeneralSecurityException if it holds no certificate
     */
    SSLContext clientContext() throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(trusted)) {
            int n = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("trusted-" + n++, c);
            }
            if (n == 0) {
                throw new GeneralSecurityException("no certificate in " + trusted);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    /**
     * A client engine with the pinned protocol and suite. Made without the server's host and port, so the JDK never
     * offers to resume an earlier session: every handshake is a full one.
     *
     * @param context from {@link #clientContext()}
     * @return a new engine in client mode
     */
    SSLEngine clientEngine(SSLContext context) {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(true);
        engine.setEnabledProtocols(new String[] {protocol});
        engine.setEnabledCipherSuites(new String[] {cipherSuite});
        return engine;
    }
}
