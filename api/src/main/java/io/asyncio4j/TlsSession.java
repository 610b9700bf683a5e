package io.asyncio4j;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import java.security.cert.Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a TLS handshake settled (asyncio's {@code get_extra_info('ssl_object')}): the protocol version, the cipher
 * suite, the certificates each side showed, the ALPN protocol and the server name the client asked for. A snapshot
 * taken when the handshake completed; {@link #sslSession()} gives the JDK's session for anything else.
 */
public final class TlsSession {

    private final SSLSession session;
    private final String applicationProtocol;
    private final String serverName;
    private final List<Certificate> peerCertificates;
    private final List<Certificate> localCertificates;

    private TlsSession(SSLSession session, String applicationProtocol, String serverName) {
        this.session = session;
        this.applicationProtocol = applicationProtocol == null ? "" : applicationProtocol;
        this.serverName = serverName;
        List<Certificate> peer;
        try {
            peer = List.of(session.getPeerCertificates());
        } catch (SSLPeerUnverifiedException e) {
            peer = List.of();
        }
        this.peerCertificates = peer;
        Certificate[] local = session.getLocalCertificates();
        this.localCertificates = local == null ? List.of() : List.of(local);
    }

    /**
     * Takes the snapshot of a completed handshake; for transports.
     *
     * @param session             the engine's session
     * @param applicationProtocol the ALPN protocol the engine reports, {@code ""} or {@code null} for none
     * @param serverName          the name the client asked for (SNI), or {@code null} for none
     * @return the snapshot
     */
    public static TlsSession of(SSLSession session, String applicationProtocol, String serverName) {
        return new TlsSession(Objects.requireNonNull(session, "session"), applicationProtocol, serverName);
    }

    /** @return the protocol version, such as {@code "TLSv1.3"} */
    public String protocol() {
        return session.getProtocol();
    }

    /** @return the cipher suite's standard name, such as {@code "TLS_AES_128_GCM_SHA256"} */
    public String cipherSuite() {
        return session.getCipherSuite();
    }

    /** @return the peer's certificate chain, its own first; empty if the peer showed none (a client not asked) */
    public List<Certificate> peerCertificates() {
        return peerCertificates;
    }

    /** @return the chain this side showed; empty if none */
    public List<Certificate> localCertificates() {
        return localCertificates;
    }

    /** @return the ALPN protocol agreed on, if any */
    public Optional<String> applicationProtocol() {
        return applicationProtocol.isEmpty() ? Optional.empty() : Optional.of(applicationProtocol);
    }

    /** @return the server name the client asked for (SNI), if it asked for one */
    public Optional<String> serverName() {
        return Optional.ofNullable(serverName);
    }

    /** @return the JDK's session, for what this snapshot does not carry */
    public SSLSession sslSession() {
        return session;
    }

    @Override
    public String toString() {
        return "TlsSession[" + protocol() + ", " + cipherSuite()
                + (applicationProtocol.isEmpty() ? "" : ", alpn=" + applicationProtocol)
                + (serverName == null ? "" : ", sni=" + serverName) + "]";
    }
}
