package io.asyncio4j;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

/**
 * Builds the {@link SSLContext}s {@link TlsOptions} take from the files servers are usually given: a PEM certificate
 * chain and PKCS#8 private key (as {@code openssl req -newkey rsa:2048 -nodes} writes them), a PKCS#12 or JKS key
 * store, or PEM certificates to trust.
 */
public final class TlsContexts {

    private TlsContexts() {
    }

    /**
     * A context that shows the chain in {@code certificateChain} (the server's own certificate first) with the key
     * in {@code privateKey}, and trusts what the JDK trusts by default.
     *
     * @param certificateChain PEM certificates
     * @param privateKey       a PEM PKCS#8 private key, unencrypted
     * @return a new context
     * @throws IOException              if a file cannot be read or holds no PEM block of the kind expected
     * @throws GeneralSecurityException if a certificate or key cannot be decoded, or they do not match
     */
    public static SSLContext fromPem(Path certificateChain, Path privateKey)
            throws IOException, GeneralSecurityException {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * A context that shows the chain in {@code certificateChain} with the key in {@code privateKey}, and trusts only
     * the certificates in {@code trustedCertificates}: a server that checks client certificates, or a client with
     * a certificate of its own talking to a private CA.
     *
     * @param certificateChain    PEM certificates
     * @param privateKey          a PEM PKCS#8 private key, unencrypted
     * @param trustedCertificates PEM certificates of the authorities trusted
     * @return a new context
     * @throws IOException              if a file cannot be read or holds no PEM block of the kind expected
     * @throws GeneralSecurityException if a certificate or key cannot be decoded, or they do not match
     */
    public static SSLContext fromPem(Path certificateChain, Path privateKey, Path trustedCertificates)
            throws IOException, GeneralSecurityException {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * A context that shows the key entry of a PKCS#12 or JKS key store, and trusts what the JDK trusts by default.
     *
     * @param keyStore the key store file
     * @param password its password, which also protects the key
     * @return a new context
     * @throws IOException              if the file cannot be read, or the password is wrong
     * @throws GeneralSecurityException if the store cannot be decoded or holds no key entry
     */
    public static SSLContext fromKeyStore(Path keyStore, char[] password)
            throws IOException, GeneralSecurityException {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * A client context that trusts only the certificates in {@code trustedCertificates} (curl's {@code --cacert}),
     * and shows no certificate of its own.
     *
     * @param trustedCertificates PEM certificates of the authorities, or the self-signed servers, trusted
     * @return a new context
     * @throws IOException              if the file cannot be read or holds no PEM certificate
     * @throws GeneralSecurityException if a certificate cannot be decoded
     */
    public static SSLContext trusting(Path trustedCertificates) throws IOException, GeneralSecurityException {
        throw new UnsupportedOperationException("not yet");
    }
}
