package io.asyncio4j;

import io.asyncio4j.tls.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.net.ssl.SSLHandshakeException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import static io.asyncio4j.tls.TestCertificates.path;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The fixtures are what TestCertificates and scripts/make-test-certs say they are. */
class TestCertificatesTest {

    @Test
    void everyFixtureIsAFileInOneDirectory() {
        Path directory = path("ca.pem").getParent();

        assertThat(TestCertificates.FILES).allSatisfy(file -> {
            assertThat(path(file)).isRegularFile().hasParent(directory);
        });
    }

    @Test
    void unknownFixtureNameIsRefused() {
        assertThatThrownBy(() -> path("nothing.pem"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nothing.pem");
    }

    @ParameterizedTest
    @ValueSource(strings = {"server", "server-ec", "server-ed25519", "other", "wrong-host", "expired", "client"})
    void caSignedCertificatesAreSentWithTheCaAfterThem(String name) throws Exception {
        List<X509Certificate> chain = certificates(name + ".pem");
        X509Certificate ca = certificates("ca.pem").get(0);

        assertThat(chain).hasSize(2);
        assertThat(chain.get(1)).isEqualTo(ca);
        chain.get(0).verify(ca.getPublicKey());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ca", "server", "server-ec", "server-ed25519", "other", "wrong-host", "self-signed",
            "client"})
    void longLivedCertificatesAreValidForDecadesToCome(String name) throws Exception {
        X509Certificate leaf = certificates(name + ".pem").get(0);

        leaf.checkValidity();
        leaf.checkValidity(Date.from(Instant.parse("2090-01-01T00:00:00Z")));
    }

    @Test
    void expiredCertificateIsPastItsEnd() throws Exception {
        assertThatThrownBy(() -> certificates("expired.pem").get(0).checkValidity())
                .isInstanceOf(CertificateExpiredException.class);
    }

    @Test
    void serverKeyStoreHoldsTheServerChainUnderItsAlias() throws Exception {
        KeyStore store = KeyStore.getInstance(path("server.p12").toFile(),
                TestCertificates.KEY_STORE_PASSWORD.toCharArray());

        assertThat(store.isKeyEntry("server")).isTrue();
        assertThat(store.getCertificateChain("server")).containsExactlyElementsOf(certificates("server.pem"));
    }

    @Test
    void clientTrustingCaAcceptsTheServerContext() throws Exception {
        LoopbackHandshake handshake = LoopbackHandshake.between(TestCertificates.serverContext(),
                TestCertificates.clientTrustingCa(), "localhost");

        assertThat(handshake.client().getPeerCertificates()[0]).isEqualTo(certificates("server.pem").get(0));
    }

    @Test
    void clientWithCertificateIsAcceptedByTheServerTrustingTheCa() throws Exception {
        LoopbackHandshake handshake = LoopbackHandshake.between(TestCertificates.serverContextTrustingCa(), true,
                TestCertificates.clientWithCertificate(), "localhost");

        assertThat(handshake.server().getPeerCertificates()[0]).isEqualTo(certificates("client.pem").get(0));
    }

    @Test
    void otherIsAcceptedUnderItsOwnName() throws Exception {
        LoopbackHandshake handshake = LoopbackHandshake.between(TestCertificates.serverContext("other"),
                TestCertificates.clientTrustingCa(), "other.test");

        assertThat(handshake.client().getPeerCertificates()[0]).isEqualTo(certificates("other.pem").get(0));
    }

    @Test
    void expiredServerIsRefusedForItsDates() {
        assertThatThrownBy(() -> LoopbackHandshake.between(TestCertificates.serverContext("expired"),
                TestCertificates.clientTrustingCa(), "localhost"))
                .isInstanceOf(SSLHandshakeException.class)
                .hasRootCauseInstanceOf(CertificateExpiredException.class);
    }

    @Test
    void wrongHostServerIsRefusedForItsName() {
        assertThatThrownBy(() -> LoopbackHandshake.between(TestCertificates.serverContext("wrong-host"),
                TestCertificates.clientTrustingCa(), "localhost"))
                .isInstanceOf(SSLHandshakeException.class)
                .hasMessageContaining("localhost");
    }

    @Test
    void selfSignedServerIsRefusedByAClientTrustingTheCa() {
        assertThatThrownBy(() -> LoopbackHandshake.between(TestCertificates.serverContext("self-signed"),
                TestCertificates.clientTrustingCa(), "localhost"))
                .isInstanceOf(SSLHandshakeException.class)
                .hasMessageContaining("PKIX path");
    }

    private static List<X509Certificate> certificates(String file) throws Exception {
        try (InputStream in = Files.newInputStream(path(file))) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(X509Certificate.class::cast).toList();
        }
    }
}
