package io.asyncio4j.samples.cli;

import io.asyncio4j.TlsHandshakeTimeoutException;
import io.asyncio4j.TlsTruncationException;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.util.Optional;

/**
 * Says in one line, starting {@code TLS: }, why a client's TLS connection failed: the reason
 * {@link ClientTlsOptions}' certificate check gave ({@code TLS: the certificate of wrong.example does not match
 * localhost}), or else a short reading of the JDK's failure: an expired or untrusted certificate, a host name the
 * certificate does not match, a server that does not speak TLS or refused the handshake, a handshake that timed out,
 * a stream cut without {@code close_notify}.
 */
public final class TlsFailures {

    private TlsFailures() {
    }

    /**
     * Describes {@code failure} if it is a TLS failure.
     *
     * @param failure a failure, perhaps wrapped by futures
     * @return {@code TLS: REASON}, or empty if nothing in its causes is about TLS
     */
    public static Optional<String> describe(Throwable failure) {
        Throwable e = OneLineErrors.unwrap(failure);
        String reason = reason(e);
        return reason == null ? Optional.empty() : Optional.of("TLS: " + reason);
    }

    private static String reason(Throwable e) {
        ServerCertificateCheck.Refused refused = find(e, ServerCertificateCheck.Refused.class);
        if (refused != null) {
            return refused.getMessage();
        }
        if (find(e, CertificateExpiredException.class) != null) {
            return "certificate expired: " + find(e, CertificateExpiredException.class).getMessage();
        }
        if (find(e, CertPathBuilderException.class) != null) {
            return "certificate not trusted: no chain to a trusted authority";
        }
        CertPathValidatorException path = find(e, CertPathValidatorException.class);
        if (path != null) {
            return "certificate not trusted: " + OneLineErrors.describe(path);
        }
        CertificateException certificate = find(e, CertificateException.class);
        if (certificate != null) {
            String message = OneLineErrors.describe(certificate);
            return message.startsWith("No subject alternative") || message.startsWith("No name matching")
                    ? "the certificate does not match the host: " + message
                    : "certificate not trusted: " + message;
        }
        SSLPeerUnverifiedException unverified = find(e, SSLPeerUnverifiedException.class);
        if (unverified != null) {
            return "the server's identity was not verified: " + OneLineErrors.describe(unverified);
        }
        if (find(e, TlsHandshakeTimeoutException.class) != null) {
            return find(e, TlsHandshakeTimeoutException.class).getMessage();
        }
        if (find(e, TlsTruncationException.class) != null) {
            return "the server closed the connection without close_notify, so what was read may be cut short";
        }
        SSLException ssl = find(e, SSLException.class);
        if (ssl == null) {
            return null;
        }
        String message = OneLineErrors.describe(ssl);
        if (message.contains("plaintext connection") || message.contains("Unsupported or unrecognized SSL message")) {
            return "the server does not speak TLS (is it a plain-text server?)";
        }
        if (message.startsWith("Received fatal alert: ")) {
            return "the server refused the handshake (" + message.substring("Received fatal alert: ".length()) + ")";
        }
        return ssl instanceof SSLHandshakeException ? "handshake failed: " + message : message;
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> kind) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (kind.isInstance(t)) {
                return kind.cast(t);
            }
        }
        return null;
    }
}
