package io.asyncio4j.samples;

import io.asyncio4j.tls.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The TLS options' mistakes: an option without its partner is a usage error (exit 2, with the usage line); a
 * missing file, a key that is not the certificate's, a wrong password is one line naming the file (exit 1); never
 * a stack trace. A command that wrongly started serving would not return: the timeout ends the test then.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TlsCommandLineErrorsTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private static String fixture(String name) {
        return TestCertificates.path(name).toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"echo-server", "http-server"})
    void tlsCertWithoutTlsKeyIsAUsageError(String command) {
        Run r = runHere(command, "--port", "0", "--tls-cert", fixture("server.pem"));
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).hasSize(2);
        assertThat(r.err().get(0)).isEqualTo(command + ": --tls-cert needs --tls-key");
        assertThat(r.err().get(1)).startsWith("Usage: asyncio4j " + command + " ");
    }

    @Test
    void tlsKeyWithoutTlsCertIsAUsageError() {
        Run r = runHere("http-server", "--port", "0", "--tls-key", fixture("server-key.pem"));
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).first().isEqualTo("http-server: --tls-key needs --tls-cert");
    }

    @Test
    void keyStoreWithoutPasswordIsAUsageError() {
        Run r = runHere("http-server", "--port", "0", "--tls-keystore", fixture("server.p12"));
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).first().isEqualTo("http-server: --tls-keystore needs --tls-keystore-password");
    }

    @Test
    void keyStoreBesidePemFilesIsAUsageError() {
        Run r = runHere("echo-server", "--port", "0", "--tls-keystore", fixture("server.p12"),
                "--tls-keystore-password", TestCertificates.KEY_STORE_PASSWORD,
                "--tls-cert", fixture("server.pem"), "--tls-key", fixture("server-key.pem"));
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).first().isEqualTo("echo-server: --tls-keystore and --tls-cert/--tls-key exclude each other");
    }

    @ParameterizedTest
    @ValueSource(strings = {"echo-server", "http-server"})
    void missingKeyFileIsOneLineNamingIt(String command, @TempDir Path dir) {
        Path missing = dir.resolve("missing-key.pem");
        Run r = runHere(command, "--port", "0", "--tls-cert", fixture("server.pem"), "--tls-key", missing.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).containsExactly(command + ": --tls-key " + missing + " does not exist");
    }

    @Test
    void missingCertificateFileIsOneLineNamingIt(@TempDir Path dir) {
        Path missing = dir.resolve("missing.pem");
        Run r = runHere("http-server", "--port", "0", "--tls-cert", missing.toString(),
                "--tls-key", fixture("server-key.pem"));
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).containsExactly("http-server: --tls-cert " + missing + " does not exist");
    }

    @Test
    void keyOfAnotherCertificateIsOneLineNamingBothFiles() {
        Run r = runHere("http-server", "--port", "0", "--tls-cert", fixture("server.pem"),
                "--tls-key", fixture("wrong-host-key.pem"));
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).containsExactly("http-server: cannot serve TLS: the private key in "
                + fixture("wrong-host-key.pem") + " does not match the first certificate in " + fixture("server.pem")
                + " (CN=localhost): the chain must start with the certificate of that key");
    }

    @Test
    void encryptedKeyIsOneLineSayingHowToDecryptIt() {
        Run r = runHere("echo-server", "--port", "0", "--tls-cert", fixture("server.pem"),
                "--tls-key", fixture("encrypted-key.pem"));
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).hasSize(1);
        assertThat(r.err().get(0)).startsWith("echo-server: cannot serve TLS: the private key in "
                + fixture("encrypted-key.pem") + " is encrypted").contains("openssl pkcs8 -topk8 -nocrypt");
    }

    @Test
    void wrongKeyStorePasswordIsOneLineNamingTheStore() {
        Run r = runHere("http-server", "--port", "0", "--tls-keystore", fixture("server.p12"),
                "--tls-keystore-password", "not-the-password");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).containsExactly("http-server: cannot serve TLS: wrong password for the key store "
                + fixture("server.p12"));
    }

    @Test
    void missingCacertIsOneLineNamingIt(@TempDir Path dir) {
        Path missing = dir.resolve("ca.pem");
        Run r = runHere("http-client", "--cacert", missing.toString(), "https://127.0.0.1:9/");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).containsExactly("http-client: --cacert " + missing + " does not exist");
    }

    @Test
    void cacertWithoutCertificatesIsOneLineNamingIt() {
        Run r = runHere("fetch", "--cacert", fixture("server-key.pem"), "https://127.0.0.1:9/");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).containsExactly("fetch: cannot use --cacert " + fixture("server-key.pem")
                + ": no PEM certificate (-----BEGIN CERTIFICATE-----) in " + fixture("server-key.pem"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http-client", "fetch"})
    void cacertWithInsecureIsAUsageError(String command) {
        Run r = runHere(command, "--cacert", fixture("ca.pem"), "--insecure", "https://127.0.0.1:9/");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).hasSize(2);
        assertThat(r.err().get(0)).isEqualTo(command + ": --cacert and --insecure exclude each other");
        assertThat(r.err().get(1)).startsWith("Usage: asyncio4j " + command + " ");
    }

    @Test
    void echoClientTrustOptionsWithoutTlsAreAUsageError() {
        Run r = runHere("echo-client", "--port", "9", "--cacert", fixture("ca.pem"), "hi");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).first().isEqualTo("echo-client: --cacert and --insecure need --tls");
    }

    @Test
    void keyOfAnotherCertificateIsOneLineAsAUserSeesIt() throws Exception {
        CommandProcess.Result r = CommandProcess.run(WAIT, "http-server", "--port", "0",
                "--tls-cert", fixture("server.pem"), "--tls-key", fixture("expired-key.pem"));
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).hasSize(1);
        assertThat(r.err().get(0)).startsWith("http-server: cannot serve TLS: the private key in "
                + fixture("expired-key.pem") + " does not match");
    }

    /** What a command line run in this JVM printed through picocli, and its exit status. */
    private record Run(int status, List<String> err) {
    }

    private static Run runHere(String... args) {
        StringWriter err = new StringWriter();
        int status = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err), args);
        return new Run(status, err.toString().lines().toList());
    }
}
