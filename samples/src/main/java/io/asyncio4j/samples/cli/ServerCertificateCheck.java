package io.asyncio4j.samples.cli;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.InetAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * A client's check of the server's certificate: the JDK's own (the chain up to a trusted authority, then the host
 * name), which it delegates to unchanged, and a one-line reason when it refuses, naming the certificate: {@code the
 * certificate of wrong.example does not match localhost}, {@code the certificate of localhost expired on
 * 2020-01-02T00:00:00Z}, {@code certificate not trusted: the certificate of localhost is self-signed}. The reason
 * becomes the message of the handshake's failure, where {@link TlsFailures} finds it. For {@code --insecure},
 * {@link #trustingAnyCertificate()} makes a context that checks nothing.
 */
final class ServerCertificateCheck extends X509ExtendedTrustManager {

    private final X509ExtendedTrustManager jdk;

    private ServerCertificateCheck(X509ExtendedTrustManager jdk) {
        this.jdk = jdk;
    }

    /**
     * A client context whose trust managers are those of {@code trust}, each explaining its refusals.
     *
     * @param trust the trusted certificates, or {@code null} for the JDK's default trust store (the system's
     *              authorities, or {@code javax.net.ssl.trustStore} if set)
     * @return a new context without a client certificate
     * @throws GeneralSecurityException if the trust store cannot be read
     */
    static SSLContext context(KeyStore trust) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
        factory.init(trust);
        List<TrustManager> checks = new ArrayList<>();
        for (TrustManager manager : factory.getTrustManagers()) {
            checks.add(manager instanceof X509ExtendedTrustManager x509 ? new ServerCertificateCheck(x509) : manager);
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, checks.toArray(TrustManager[]::new), null);
        return context;
    }

    /**
     * A client context that trusts every certificate, for {@code --insecure}: it checks nothing, so the host name
     * is not checked either (the JDK checks names only in its own trust managers).
     *
     * @return a new context without a client certificate
     * @throws GeneralSecurityException if the JDK has no TLS context
     */
    static SSLContext trustingAnyCertificate() throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new AnyCertificate()}, null);
        return context;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        try {
            jdk.checkServerTrusted(chain, authType, engine);
        } catch (CertificateException e) {
            throw refused(chain, engine == null ? null : engine.getPeerHost(), e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        try {
            jdk.checkServerTrusted(chain, authType, socket);
        } catch (CertificateException e) {
            throw refused(chain, null, e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        try {
            jdk.checkServerTrusted(chain, authType);
        } catch (CertificateException e) {
            throw refused(chain, null, e);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        jdk.checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        jdk.checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        jdk.checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return jdk.getAcceptedIssuers();
    }

    /** Why the JDK refused {@code chain}, from the kind of its failure: the validity dates, the path, the name. */
    private static Refused refused(X509Certificate[] chain, String host, CertificateException e) {
        if (chain == null || chain.length == 0) {
            return new Refused("the server showed no certificate", e);
        }
        X509Certificate leaf = chain[0];
        String of = "the certificate of " + names(leaf);
        if (has(e, CertificateExpiredException.class)) {
            return new Refused(of + " expired on " + leaf.getNotAfter().toInstant(), e);
        }
        if (has(e, CertificateNotYetValidException.class)) {
            return new Refused(of + " is not valid before " + leaf.getNotBefore().toInstant(), e);
        }
        if (has(e, CertPathBuilderException.class) || has(e, CertPathValidatorException.class)
                || e.getClass() != CertificateException.class) {
            // The path failed: sun.security.validator.ValidatorException is a subclass.
            boolean selfSigned = leaf.getSubjectX500Principal().equals(leaf.getIssuerX500Principal());
            return new Refused("certificate not trusted: " + of + (selfSigned ? " is self-signed"
                    : " is issued by " + leaf.getIssuerX500Principal().getName() + ", not a trusted authority"), e);
        }
        String message = e.getMessage() == null ? "" : e.getMessage();
        if (message.startsWith("No subject alternative") || message.startsWith("No name matching")) {
            return new Refused(of + " does not match " + (host == null ? "the server's name" : host), e);
        }
        return new Refused("certificate not trusted: " + of + ": " + message, e);
    }

    private static boolean has(Throwable e, Class<? extends Throwable> kind) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (kind.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The names a certificate is for: its DNS names and IP addresses (subject alternative names), else its common
     * name, else its whole subject.
     */
    private static String names(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> alternative : alternatives) {
                    int type = (Integer) alternative.get(0);
                    if (type == 2) {           // dNSName
                        names.add(alternative.get(1).toString());
                    } else if (type == 7) {    // iPAddress
                        names.add(ipLiteral(alternative.get(1).toString()));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // Unreadable alternative names: the subject below still names the certificate.
        }
        if (!names.isEmpty()) {
            return String.join(", ", names);
        }
        String subject = certificate.getSubjectX500Principal().getName();
        for (String part : subject.split(",")) {
            if (part.toUpperCase(Locale.ROOT).startsWith("CN=")) {
                return part.substring(3);
            }
        }
        return subject;
    }

    private static String ipLiteral(String address) {
        try {
            return HostPort.literal(InetAddress.getByName(address));
        } catch (UnknownHostException e) {
            return address;
        }
    }

    /** The JDK's refusal of a server certificate, with a message that says why in one line. */
    static final class Refused extends CertificateException {

        private static final long serialVersionUID = 1L;

        Refused(String reason, CertificateException jdk) {
            super(reason, jdk);
        }
    }

    /** Trusts whatever the server shows. */
    private static final class AnyCertificate extends X509ExtendedTrustManager {

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
