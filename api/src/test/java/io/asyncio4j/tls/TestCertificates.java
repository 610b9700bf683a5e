package io.asyncio4j.tls;

import io.asyncio4j.TlsContexts;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;

/**
 * The TLS test certificates every module's tests share (the api test-jar carries them), as files and as ready
 * contexts. The fixtures live beside this class, in {@code api/src/test/resources/io/asyncio4j/tls/}, written by
 * {@code scripts/make-test-certs}, whose header says what each one is. In short: a test CA ({@code ca.pem}) signs
 * {@code server} (CN and SAN {@code localhost}, {@code 127.0.0.1}, {@code ::1}, RSA), {@code server-ec} (the same
 * names, EC P-256), {@code server-ed25519} (the same names, Ed25519), {@code other} ({@code other.test}),
 * {@code wrong-host} ({@code wrong.example}), {@code expired} ({@code localhost}, valid only on 2020-01-01) and
 * {@code client} (a client certificate); {@code self-signed} ({@code localhost}) is signed by its own key. Each
 * NAME has {@code NAME.pem} (the chain, leaf first) and {@code NAME-key.pem} (PKCS#8).
 *
 * <p>The first call copies every fixture from the class path to one temporary directory for the whole JVM (deleted
 * at exit), so that code wanting a {@link Path} (TlsContexts, a sample's command line) works from the test-jar too.
 * Every method is thread-safe and fails with an unchecked exception, so it fits in a field initialiser or a lambda.
 *
 * <p>It is in a package of its own because other modules' tests compile against the api <em>module</em>, which owns
 * {@code io.asyncio4j}: a class of that package in the test-jar would be invisible to them.
 */
public final class TestCertificates {

    /** The password of {@code server.p12} and of {@code encrypted-key.pem}. */
    public static final String KEY_STORE_PASSWORD = "changeit";

    /** Every fixture file name, as {@link #path} takes it. */
    public static final List<String> FILES = List.of(
            "ca.pem", "ca-key.pem",
            "server.pem", "server-key.pem", "server.p12",
            "server-ec.pem", "server-ec-key.pem", "server-ec-sec1-key.pem",
            "server-ed25519.pem", "server-ed25519-key.pem",
            "other.pem", "other-key.pem",
            "wrong-host.pem", "wrong-host-key.pem",
            "expired.pem", "expired-key.pem",
            "self-signed.pem", "self-signed-key.pem",
            "client.pem", "client-key.pem",
            "pkcs1-key.pem", "encrypted-key.pem");

    private TestCertificates() {
    }

    /**
     * The fixture {@code file} as a file on disk.
     *
     * @param file a name from {@link #FILES}, such as {@code "server.pem"}
     * @return its path in the JVM's copy of the fixtures
     * @throws IllegalArgumentException if {@code file} is no fixture
     */
    public static Path path(String file) {
        if (!FILES.contains(file)) {
            throw new IllegalArgumentException("no TLS test fixture named " + file + "; the fixtures are " + FILES);
        }
        return Copies.DIRECTORY.resolve(file);
    }

    /** @return a context showing {@code server.pem} (localhost, RSA, signed by the CA), trusting the JDK's CAs */
    public static SSLContext serverContext() {
        return serverContext("server");
    }

    /**
     * A context showing the certificate {@code name.pem} with the key {@code name-key.pem}, trusting the JDK's
     * default CAs.
     *
     * @param name {@code "server"}, {@code "server-ec"}, {@code "server-ed25519"}, {@code "other"},
     *             {@code "wrong-host"}, {@code "expired"}, {@code "self-signed"} or {@code "client"}
     * @return a new context
     */
    public static SSLContext serverContext(String name) {
        return build(() -> TlsContexts.fromPem(path(name + ".pem"), path(name + "-key.pem")));
    }

    /** @return a server context showing {@code server.pem} and trusting the test CA: for client certificates */
    public static SSLContext serverContextTrustingCa() {
        return build(() -> TlsContexts.fromPem(path("server.pem"), path("server-key.pem"), path("ca.pem")));
    }

    /** @return a client context trusting only the test CA, without a certificate of its own */
    public static SSLContext clientTrustingCa() {
        return build(() -> TlsContexts.trusting(path("ca.pem")));
    }

    /** @return a client context showing {@code client.pem} and trusting only the test CA */
    public static SSLContext clientWithCertificate() {
        return build(() -> TlsContexts.fromPem(path("client.pem"), path("client-key.pem"), path("ca.pem")));
    }

    private interface ContextBuilder {
        SSLContext build() throws IOException, GeneralSecurityException;
    }

    private static SSLContext build(ContextBuilder builder) {
        try {
            return builder.build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** The JVM's copy of the fixtures, made when first used (the class is initialised once, thread-safely). */
    private static final class Copies {
        static final Path DIRECTORY = copyAll();

        private static Path copyAll() {
            try {
                Path directory = Files.createTempDirectory("asyncio4j-tls-");
                // Registered first so that it is deleted last, once its files are gone.
                directory.toFile().deleteOnExit();
                for (String file : FILES) {
                    Path target = directory.resolve(file);
                    try (InputStream in = TestCertificates.class.getResourceAsStream(file)) {
                        if (in == null) {
                            throw new IllegalStateException("the TLS test fixture io/asyncio4j/tls/" + file
                                    + " is not on the class path");
                        }
                        Files.copy(in, target);
                    }
                    target.toFile().deleteOnExit();
                }
                return directory;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot copy the TLS test fixtures", e);
            }
        }
    }
}
