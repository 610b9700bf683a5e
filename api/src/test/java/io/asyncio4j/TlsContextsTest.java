package io.asyncio4j;

import io.asyncio4j.tls.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

import static io.asyncio4j.tls.TestCertificates.KEY_STORE_PASSWORD;
import static io.asyncio4j.tls.TestCertificates.path;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TlsContextsTest {

    private static final char[] PASSWORD = KEY_STORE_PASSWORD.toCharArray();

    @TempDir
    Path dir;

    // --- the forms accepted, each proved by a handshake with a client that trusts the test CA

    @Test
    void pemChainAndPkcs8RsaKeyServeAHandshakeTheCaTrusts() throws Exception {
        SSLContext server = TlsContexts.fromPem(path("server.pem"), path("server-key.pem"));

        LoopbackHandshake handshake = LoopbackHandshake.between(server, TlsContexts.trusting(path("ca.pem")),
                "localhost");

        assertThat(subjectOfPeer(handshake)).isEqualTo("CN=localhost");
        assertThat(handshake.client().getPeerCertificates()).hasSize(2);
    }

    @Test
    void pkcs8EcKeyServesAHandshake() throws Exception {
        SSLContext server = TlsContexts.fromPem(path("server-ec.pem"), path("server-ec-key.pem"));

        LoopbackHandshake handshake = LoopbackHandshake.between(server, TlsContexts.trusting(path("ca.pem")),
                "localhost");

        assertThat(handshake.client().getPeerCertificates()[0].getPublicKey().getAlgorithm()).isEqualTo("EC");
    }

    @Test
    void pkcs8Ed25519KeyServesAHandshake() throws Exception {
        SSLContext server = TlsContexts.fromPem(path("server-ed25519.pem"), path("server-ed25519-key.pem"));

        LoopbackHandshake handshake = LoopbackHandshake.between(server, TlsContexts.trusting(path("ca.pem")),
                "localhost");

        assertThat(handshake.client().getPeerCertificates()[0].getPublicKey().getAlgorithm()).isEqualTo("EdDSA");
    }

    @Test
    void pkcs1RsaKeyServesAHandshake() throws Exception {
        SSLContext server = TlsContexts.fromPem(path("server.pem"), path("pkcs1-key.pem"));

        LoopbackHandshake handshake = LoopbackHandshake.between(server, TlsContexts.trusting(path("ca.pem")),
                "localhost");

        assertThat(subjectOfPeer(handshake)).isEqualTo("CN=localhost");
    }

    @Test
    void sec1EcKeyServesAHandshake() throws Exception {
        SSLContext server = TlsContexts.fromPem(path("server-ec.pem"), path("server-ec-sec1-key.pem"));

        LoopbackHandshake handshake = LoopbackHandshake.between(server, TlsContexts.trusting(path("ca.pem")),
                "localhost");

        assertThat(handshake.client().getPeerCertificates()[0].getPublicKey().getAlgorithm()).isEqualTo("EC");
    }

    @Test
    void oneFileMayHoldTheChainAndTheKey() throws Exception {
        Path both = dir.resolve("both.pem");
        Files.write(both, concat(path("server.pem"), path("server-key.pem")));

        SSLContext server = TlsContexts.fromPem(both, both);

        assertThat(subjectOfPeer(LoopbackHandshake.between(server, TlsContexts.trusting(path("ca.pem")),
                "localhost"))).isEqualTo("CN=localhost");
    }

    @Test
    void pkcs12KeyStoreServesAHandshake() throws Exception {
        SSLContext server = TlsContexts.fromKeyStore(path("server.p12"), PASSWORD);

        LoopbackHandshake handshake = LoopbackHandshake.between(server, TlsContexts.trusting(path("ca.pem")),
                "localhost");

        assertThat(subjectOfPeer(handshake)).isEqualTo("CN=localhost");
    }

    @Test
    void jksKeyStoreServesAHandshake() throws Exception {
        KeyStore jks = KeyStore.getInstance("JKS");
        jks.load(null, null);
        addKeyEntry(jks, "server", "server", PASSWORD);
        Path file = store(jks, "server.jks");

        SSLContext server = TlsContexts.fromKeyStore(file, PASSWORD);

        assertThat(subjectOfPeer(LoopbackHandshake.between(server, TlsContexts.trusting(path("ca.pem")),
                "localhost"))).isEqualTo("CN=localhost");
    }

    @Test
    void keyStoreWithTwoEntriesShowsTheOneNamedByTheClient() throws Exception {
        KeyStore twoNames = KeyStore.getInstance("PKCS12");
        twoNames.load(null, null);
        addKeyEntry(twoNames, "server", "server", PASSWORD);
        addKeyEntry(twoNames, "other", "other", PASSWORD);
        SSLContext server = TlsContexts.fromKeyStore(store(twoNames, "two.p12"), PASSWORD);

        LoopbackHandshake handshake = LoopbackHandshake.between(server, TlsContexts.trusting(path("ca.pem")),
                "other.test");

        assertThat(subjectOfPeer(handshake)).isEqualTo("CN=other.test");
    }

    @Test
    void pemWithTrustAuthenticatesTheClientBothWays() throws Exception {
        SSLContext server = TlsContexts.fromPem(path("server.pem"), path("server-key.pem"), path("ca.pem"));
        SSLContext client = TlsContexts.fromPem(path("client.pem"), path("client-key.pem"), path("ca.pem"));

        LoopbackHandshake handshake = LoopbackHandshake.between(server, true, client, "localhost");

        assertThat(((X509Certificate) handshake.server().getPeerCertificates()[0]).getSubjectX500Principal()
                .getName()).isEqualTo("CN=asyncio4j test client");
        assertThat(subjectOfPeer(handshake)).isEqualTo("CN=localhost");
    }

    @Test
    void serverTrustingTheCaRefusesAClientWithoutCertificate() throws Exception {
        SSLContext server = TlsContexts.fromPem(path("server.pem"), path("server-key.pem"), path("ca.pem"));

        assertThatThrownBy(() -> LoopbackHandshake.between(server, true, TlsContexts.trusting(path("ca.pem")),
                "localhost")).satisfies(e -> assertThat(e.getSuppressed())
                .anySatisfy(serverSide -> assertThat(serverSide).isInstanceOf(SSLHandshakeException.class)));
    }

    @Test
    void trustingTheCaRefusesASelfSignedServer() throws Exception {
        SSLContext server = TlsContexts.fromPem(path("self-signed.pem"), path("self-signed-key.pem"));

        assertThatThrownBy(() -> LoopbackHandshake.between(server, TlsContexts.trusting(path("ca.pem")),
                "localhost")).isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void trustingASelfSignedCertificateAcceptsThatServer() throws Exception {
        SSLContext server = TlsContexts.fromPem(path("self-signed.pem"), path("self-signed-key.pem"));

        LoopbackHandshake handshake = LoopbackHandshake.between(server, TlsContexts.trusting(path("self-signed.pem")),
                "localhost");

        assertThat(subjectOfPeer(handshake)).isEqualTo("CN=localhost");
    }

    // --- refusals: each names the file

    @Test
    void encryptedPkcs8KeyIsRefusedWithTheCommandThatDecryptsIt() {
        assertThatThrownBy(() -> TlsContexts.fromPem(path("server.pem"), path("encrypted-key.pem")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(path("encrypted-key.pem").toString())
                .hasMessageContaining("encrypted")
                .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt -in " + path("encrypted-key.pem"));
    }

    @Test
    void legacyEncryptedPkcs1KeyIsRefusedWithTheCommandThatDecryptsIt() throws Exception {
        String pkcs1 = Files.readString(path("pkcs1-key.pem"));
        Path encrypted = write("legacy.pem", pkcs1.replace("-----BEGIN RSA PRIVATE KEY-----\n",
                "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
                        + "DEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\n"));

        assertThatThrownBy(() -> TlsContexts.fromPem(path("server.pem"), encrypted))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(encrypted.toString())
                .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
    }

    @Test
    void keyOfAnotherRsaCertificateIsRefused() {
        assertThatThrownBy(() -> TlsContexts.fromPem(path("server.pem"), path("other-key.pem")))
                .isInstanceOf(InvalidKeyException.class)
                .hasMessageContaining("does not match the first certificate")
                .hasMessageContaining(path("server.pem").toString())
                .hasMessageContaining(path("other-key.pem").toString());
    }

    @Test
    void ecKeyOfAnotherPairIsRefused() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        Path otherEcKey = writeKey("other-ec-key.pem", generator.generateKeyPair().getPrivate());

        assertThatThrownBy(() -> TlsContexts.fromPem(path("server-ec.pem"), otherEcKey))
                .isInstanceOf(InvalidKeyException.class)
                .hasMessageContaining("does not match the first certificate")
                .hasMessageContaining(otherEcKey.toString());
    }

    @Test
    void keyOfAnotherAlgorithmThanTheCertificateIsRefused() {
        assertThatThrownBy(() -> TlsContexts.fromPem(path("server.pem"), path("server-ec-key.pem")))
                .isInstanceOf(InvalidKeyException.class)
                .hasMessageContaining("does not match the first certificate");
    }

    @Test
    void chainWhoseFirstCertificateIsTheCaIsRefused() throws Exception {
        Path caFirst = dir.resolve("ca-first.pem");
        Files.write(caFirst, concat(path("ca.pem"), path("server.pem")));

        assertThatThrownBy(() -> TlsContexts.fromPem(caFirst, path("server-key.pem")))
                .isInstanceOf(InvalidKeyException.class)
                .hasMessageContaining("CN=asyncio4j test CA");
    }

    @Test
    void keyOfAnAlgorithmTlsDoesNotSignWithIsRefused() throws Exception {
        Path x25519 = writeKey("x25519-key.pem", KeyPairGenerator.getInstance("X25519").generateKeyPair()
                .getPrivate());

        assertThatThrownBy(() -> TlsContexts.fromPem(path("server.pem"), x25519))
                .isInstanceOf(InvalidKeySpecException.class)
                .hasMessageContaining(x25519.toString())
                .hasMessageContaining("1.3.101.110");
    }

    @Test
    void certificateFileWithoutCertificateIsRefused() {
        assertThatThrownBy(() -> TlsContexts.fromPem(path("server-key.pem"), path("server-key.pem")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("no PEM certificate")
                .hasMessageContaining(path("server-key.pem").toString());
    }

    @Test
    void keyFileWithoutKeyIsRefused() {
        assertThatThrownBy(() -> TlsContexts.fromPem(path("server.pem"), path("server.pem")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("no PEM private key")
                .hasMessageContaining(path("server.pem").toString());
    }

    @Test
    void keyFileWithTwoKeysIsRefused() throws Exception {
        Path twoKeys = dir.resolve("two-keys.pem");
        Files.write(twoKeys, concat(path("server-key.pem"), path("other-key.pem")));

        assertThatThrownBy(() -> TlsContexts.fromPem(path("server.pem"), twoKeys))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("2 private keys")
                .hasMessageContaining(twoKeys.toString());
    }

    @Test
    void keyStoreGivenAsPemIsRefused() {
        assertThatThrownBy(() -> TlsContexts.fromPem(path("server.pem"), path("server.p12")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("fromKeyStore")
                .hasMessageContaining(path("server.p12").toString());
    }

    @Test
    void certificateThatDoesNotDecodeIsRefused() throws Exception {
        Path garbage = write("garbage.pem", "-----BEGIN CERTIFICATE-----\nAAAAAAAA\n-----END CERTIFICATE-----\n");

        assertThatThrownBy(() -> TlsContexts.trusting(garbage))
                .isInstanceOf(CertificateException.class)
                .hasMessageContaining("certificate 1 in " + garbage);
    }

    @Test
    void blockThatIsNotBase64IsRefused() throws Exception {
        Path notBase64 = write("not-base64.pem", "-----BEGIN CERTIFICATE-----\n*** ***\n-----END CERTIFICATE-----\n");

        assertThatThrownBy(() -> TlsContexts.trusting(notBase64))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("base64")
                .hasMessageContaining(notBase64.toString());
    }

    @Test
    void blockWithoutEndIsRefused() throws Exception {
        Path unterminated = write("unterminated.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n");

        assertThatThrownBy(() -> TlsContexts.trusting(unterminated))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("no END line")
                .hasMessageContaining(unterminated.toString());
    }

    @Test
    void missingPemFileIsNamed() {
        Path missing = dir.resolve("missing.pem");

        assertThatThrownBy(() -> TlsContexts.trusting(missing))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining(missing.toString());
    }

    @Test
    void keyStoreWithWrongPasswordSaysThePasswordIsWrong() {
        assertThatThrownBy(() -> TlsContexts.fromKeyStore(path("server.p12"), "wrong".toCharArray()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("wrong password")
                .hasMessageContaining(path("server.p12").toString());
    }

    @Test
    void jksKeyStoreWithWrongPasswordSaysThePasswordIsWrong() throws Exception {
        KeyStore jks = KeyStore.getInstance("JKS");
        jks.load(null, null);
        addKeyEntry(jks, "server", "server", PASSWORD);
        Path file = store(jks, "server.jks");

        assertThatThrownBy(() -> TlsContexts.fromKeyStore(file, "wrong".toCharArray()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("wrong password")
                .hasMessageContaining(file.toString());
    }

    @Test
    void keyStoreWithoutKeyEntryIsRefused() throws Exception {
        KeyStore certificatesOnly = KeyStore.getInstance("PKCS12");
        certificatesOnly.load(null, null);
        certificatesOnly.setCertificateEntry("ca", certificates(path("ca.pem"))[0]);
        Path file = store(certificatesOnly, "ca-only.p12");

        assertThatThrownBy(() -> TlsContexts.fromKeyStore(file, PASSWORD))
                .isInstanceOf(KeyStoreException.class)
                .hasMessageContaining("no private key entry")
                .hasMessageContaining(file.toString());
    }

    @Test
    void keyEntryUnderAnotherPasswordThanTheStoreIsRefused() throws Exception {
        KeyStore twoPasswords = KeyStore.getInstance("PKCS12");
        twoPasswords.load(null, null);
        addKeyEntry(twoPasswords, "server", "server", "another".toCharArray());
        Path file = store(twoPasswords, "two-passwords.p12");

        assertThatThrownBy(() -> TlsContexts.fromKeyStore(file, PASSWORD))
                .isInstanceOf(UnrecoverableKeyException.class)
                .hasMessageContaining("'server'")
                .hasMessageContaining(file.toString());
    }

    @Test
    void pemGivenAsKeyStoreIsRefused() {
        assertThatThrownBy(() -> TlsContexts.fromKeyStore(path("server.pem"), PASSWORD))
                .isInstanceOf(KeyStoreException.class)
                .hasMessageContaining("neither a PKCS#12 nor a JKS")
                .hasMessageContaining(path("server.pem").toString());
    }

    @Test
    void missingKeyStoreIsNamed() {
        Path missing = dir.resolve("missing.p12");

        assertThatThrownBy(() -> TlsContexts.fromKeyStore(missing, PASSWORD))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining(missing.toString());
    }

    private static String subjectOfPeer(LoopbackHandshake handshake) throws Exception {
        return ((X509Certificate) handshake.client().getPeerCertificates()[0]).getSubjectX500Principal().getName();
    }

    /** Adds the fixture pair {@code name.pem}/{@code name-key.pem} (an RSA key) to {@code store} as {@code alias}. */
    private static void addKeyEntry(KeyStore store, String alias, String name, char[] password) throws Exception {
        PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(
                new PKCS8EncodedKeySpec(pemBody(path(name + "-key.pem"))));
        store.setKeyEntry(alias, key, password, certificates(path(name + ".pem")));
    }

    private static Certificate[] certificates(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in)
                    .toArray(new Certificate[0]);
        }
    }

    private static byte[] pemBody(Path pem) throws IOException {
        String text = Files.readString(pem);
        String body = text.substring(text.indexOf('\n') + 1, text.indexOf("-----END"));
        return Base64.getMimeDecoder().decode(body);
    }

    private Path store(KeyStore store, String name) throws Exception {
        Path file = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, PASSWORD);
        }
        return file;
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.US_ASCII);
    }

    private Path writeKey(String name, PrivateKey key) throws IOException {
        return write(name, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
    }

    private static byte[] concat(Path first, Path second) throws IOException {
        byte[] a = Files.readAllBytes(first);
        byte[] b = Files.readAllBytes(second);
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
