package io.asyncio4j;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Builds the {@link SSLContext}s {@link TlsOptions} take from the files servers are usually given: a PEM certificate
 * chain and private key (as {@code openssl req -newkey rsa:2048 -nodes} writes them), a PKCS#12 or JKS key store, or
 * PEM certificates to trust. Every context is a {@code "TLS"} context whose trust managers are either the JDK's
 * defaults or {@code PKIX} ones over the given certificates. Its key managers are the JDK's {@code SunX509} ones,
 * which hold the one key in memory, for a context of one key entry; a key store of several gets {@code PKIX} ones,
 * which choose by the name the client asks for but read the key from the store at every handshake.
 *
 * <pre>{@code
 * SSLContext server = TlsContexts.fromPem(Path.of("cert.pem"), Path.of("key.pem"));
 * SSLContext client = TlsContexts.trusting(Path.of("ca.pem"));        // curl --cacert ca.pem
 * }</pre>
 *
 * <p><b>PEM files.</b> A certificate file holds one or more {@code -----BEGIN CERTIFICATE-----} blocks; text around
 * them is ignored. A private key file holds exactly one unencrypted private key, in one of these forms:
 * <ul>
 *   <li>PKCS#8, {@code -----BEGIN PRIVATE KEY-----} (what OpenSSL 3 writes), of an RSA, RSASSA-PSS, EC, Ed25519 or
 *       Ed448 key;</li>
 *   <li>PKCS#1, {@code -----BEGIN RSA PRIVATE KEY-----}, an RSA key;</li>
 *   <li>SEC1, {@code -----BEGIN EC PRIVATE KEY-----}, an EC key that names its curve.</li>
 * </ul>
 * An encrypted key ({@code -----BEGIN ENCRYPTED PRIVATE KEY-----}, or a PKCS#1 or SEC1 block with a
 * {@code Proc-Type: 4,ENCRYPTED} header) is refused with an {@link IOException} that gives the command writing it
 * unencrypted: {@code openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pem}. The certificate file and the key file
 * may be the same file.
 *
 * <p><b>All methods</b> read their files on the calling thread, which blocks meanwhile (call them at start-up, not
 * on an event loop's threads); nothing they do can be cancelled. Every exception's message names the file at fault.
 * The contexts are independent of the files once built: changing a file later changes no context.
 */
public final class TlsContexts {

    private static final String CERTIFICATE = "CERTIFICATE";
    // The password of key stores that live only in memory, between the decoded PEM and the key manager.
    private static final char[] IN_MEMORY_PASSWORD = "in-memory".toCharArray();

    private TlsContexts() {
    }

    /**
     * A context that shows the chain in {@code certificateChain} (its own certificate first) with the key in
     * {@code privateKey}, and trusts what the JDK trusts by default: a server's context, or a client's with a
     * certificate of its own for public servers.
     *
     * @param certificateChain PEM certificates: the certificate of {@code privateKey} first, then the authorities
     *                         that signed it, if the peer should be sent them
     * @param privateKey       a PEM private key, unencrypted, in one of the forms listed in the class description
     * @return a new context
     * @throws IOException              if a file cannot be read, is not PEM, holds no block of the kind expected,
     *                                  holds more than one private key, or holds an encrypted key
     * @throws GeneralSecurityException if a certificate or the key cannot be decoded, the key is of another
     *                                  algorithm than those listed, or the key is not the one of the first
     *                                  certificate
     */
    public static SSLContext fromPem(Path certificateChain, Path privateKey)
            throws IOException, GeneralSecurityException {
        return context(keyManagers(certificateChain, privateKey), null);
    }

    /**
     * A context that shows the chain in {@code certificateChain} with the key in {@code privateKey}, and trusts only
     * the certificates in {@code trustedCertificates}: a server that checks client certificates (with
     * {@link TlsOptions#withClientAuth}), or a client with a certificate of its own talking to a private CA.
     *
     * @param certificateChain    PEM certificates: the certificate of {@code privateKey} first, then the
     *                            authorities that signed it, if the peer should be sent them
     * @param privateKey          a PEM private key, unencrypted, in one of the forms listed in the class description
     * @param trustedCertificates PEM certificates of the authorities, or the self-signed peers, trusted
     * @return a new context
     * @throws IOException              if a file cannot be read, is not PEM, holds no block of the kind expected,
     *                                  holds more than one private key, or holds an encrypted key
     * @throws GeneralSecurityException if a certificate or the key cannot be decoded, the key is of another
     *                                  algorithm than those listed, or the key is not the one of the first
     *                                  certificate
     */
    public static SSLContext fromPem(Path certificateChain, Path privateKey, Path trustedCertificates)
            throws IOException, GeneralSecurityException {
        return context(keyManagers(certificateChain, privateKey), trustManagers(trustedCertificates));
    }

    /**
     * A context that shows the key entries of a PKCS#12 or JKS key store (the type is read from the file), and
     * trusts what the JDK trusts by default. A store with several key entries serves each client the one that
     * suits it: the entry whose certificate names the host the client asked for (SNI), of a key type the
     * client accepts. Certificate-only entries of the store are not trusted; use {@link #fromPem(Path, Path, Path)}
     * for a context that trusts a private CA.
     *
     * @param keyStore the key store file
     * @param password its password, which must also protect each key entry
     * @return a new context
     * @throws IOException              if the file cannot be read, or the password is wrong (the message says so)
     * @throws GeneralSecurityException if the file is neither a PKCS#12 nor a JKS store, holds no private key
     *                                  entry, or holds one whose key the password does not unlock
     */
    public static SSLContext fromKeyStore(Path keyStore, char[] password)
            throws IOException, GeneralSecurityException {
        Objects.requireNonNull(password, "password");
        KeyStore store = load(keyStore, password);
        List<String> keyEntries = new ArrayList<>();
        for (String alias : Collections.list(store.aliases())) {
            if (store.entryInstanceOf(alias, KeyStore.PrivateKeyEntry.class)) {
                keyEntries.add(alias);
            }
        }
        if (keyEntries.isEmpty()) {
            throw new KeyStoreException("no private key entry in the key store " + keyStore);
        }
        for (String alias : keyEntries) {
            try {
                store.getKey(alias, password);
            } catch (UnrecoverableKeyException e) {
                throw new UnrecoverableKeyException("the key of the entry '" + alias + "' in " + keyStore
                        + " is not protected by the store's password");
            }
        }
        // PKIX key managers choose among entries by SNI but unlock the key at every handshake (a PBKDF2 run for
        // PKCS#12), which halves the handshake rate; one entry needs no choice.
        KeyManagerFactory factory = KeyManagerFactory.getInstance(keyEntries.size() == 1 ? "SunX509" : "PKIX");
        factory.init(store, password);
        return context(factory.getKeyManagers(), null);
    }

    /**
     * A client context that trusts only the certificates in {@code trustedCertificates} (curl's {@code --cacert}),
     * and shows no certificate of its own.
     *
     * @param trustedCertificates PEM certificates of the authorities, or the self-signed servers, trusted
     * @return a new context
     * @throws IOException              if the file cannot be read, is not PEM or holds no PEM certificate
     * @throws GeneralSecurityException if a certificate cannot be decoded
     */
    public static SSLContext trusting(Path trustedCertificates) throws IOException, GeneralSecurityException {
        return context(null, trustManagers(trustedCertificates));
    }

    private static SSLContext context(KeyManager[] keyManagers, TrustManager[] trustManagers)
            throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        // Null trust managers are the JDK's default trust.
        context.init(keyManagers, trustManagers, null);
        return context;
    }

    private static KeyManager[] keyManagers(Path certificateChain, Path privateKey)
            throws IOException, GeneralSecurityException {
        List<X509Certificate> chain = certificates(certificateChain);
        PrivateKey key = PemPrivateKey.read(PemFile.read(privateKey));
        X509Certificate first = chain.get(0);
        if (!matches(key, first.getPublicKey())) {
            throw new InvalidKeyException("the private key in " + privateKey + " does not match the first "
                    + "certificate in " + certificateChain + " (" + first.getSubjectX500Principal().getName()
                    + "): the chain must start with the certificate of that key");
        }
        KeyStore store = emptyStore();
        store.setKeyEntry("key", key, IN_MEMORY_PASSWORD, chain.toArray(new Certificate[0]));
        // SunX509 holds the key in memory; PKIX would unlock it from the store at every handshake.
        KeyManagerFactory factory = KeyManagerFactory.getInstance("SunX509");
        factory.init(store, IN_MEMORY_PASSWORD);
        return factory.getKeyManagers();
    }

    private static TrustManager[] trustManagers(Path trustedCertificates)
            throws IOException, GeneralSecurityException {
        KeyStore store = emptyStore();
        int n = 0;
        for (X509Certificate certificate : certificates(trustedCertificates)) {
            store.setCertificateEntry("trusted-" + n++, certificate);
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
        factory.init(store);
        return factory.getTrustManagers();
    }

    private static List<X509Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        List<PemFile.Block> blocks = PemFile.read(file).blocks(CERTIFICATE);
        if (blocks.isEmpty()) {
            throw new IOException("no PEM certificate (-----BEGIN CERTIFICATE-----) in " + file);
        }
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        List<X509Certificate> certificates = new ArrayList<>();
        for (PemFile.Block block : blocks) {
            try {
                certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
            } catch (CertificateException e) {
                throw new CertificateException("certificate " + (certificates.size() + 1) + " in " + file
                        + " cannot be decoded: " + e.getMessage(), e);
            }
        }
        return certificates;
    }

    /** Whether {@code key} is the private half of {@code publicKey}. */
    private static boolean matches(PrivateKey key, PublicKey publicKey) throws GeneralSecurityException {
        if (key instanceof RSAKey privateHalf && publicKey instanceof RSAKey publicHalf) {
            // RSA and RSASSA-PSS: the modulus is the pair's identity; no signature is needed to compare it.
            return privateHalf.getModulus().equals(publicHalf.getModulus());
        }
        if (!key.getAlgorithm().equals(publicKey.getAlgorithm())) {
            return false;
        }
        // EC and EdDSA private keys do not carry the public point: sign with one half, verify with the other.
        Signature signature = switch (key.getAlgorithm()) {
            case "EC" -> Signature.getInstance("SHA256withECDSA");
            case "EdDSA", "Ed25519", "Ed448" -> Signature.getInstance("EdDSA");
            default -> throw new InvalidKeyException("cannot check a " + key.getAlgorithm() + " key");
        };
        byte[] challenge = new byte[32];
        new SecureRandom().nextBytes(challenge);
        signature.initSign(key);
        signature.update(challenge);
        byte[] signed = signature.sign();
        try {
            signature.initVerify(publicKey);
        } catch (InvalidKeyException e) {
            // Another curve than the key's.
            return false;
        }
        signature.update(challenge);
        return signature.verify(signed);
    }

    private static KeyStore load(Path keyStore, char[] password) throws IOException, GeneralSecurityException {
        // KeyStore.getInstance(File, ...) reports a missing file as an IllegalArgumentException.
        if (!Files.isRegularFile(keyStore)) {
            throw new NoSuchFileException(keyStore.toString(), null, "no such key store file");
        }
        try {
            return KeyStore.getInstance(keyStore.toFile(), password);
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new IOException("wrong password for the key store " + keyStore, e);
            }
            throw new IOException("cannot read the key store " + keyStore + ": " + e.getMessage(), e);
        } catch (KeyStoreException e) {
            throw new KeyStoreException(keyStore + " is neither a PKCS#12 nor a JKS key store", e);
        }
    }

    private static KeyStore emptyStore() throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        return store;
    }
}
