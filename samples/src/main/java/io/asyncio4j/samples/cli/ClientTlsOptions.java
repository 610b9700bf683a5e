package io.asyncio4j.samples.cli;

import io.asyncio4j.TlsContexts;
import io.asyncio4j.TlsOptions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;

/**
 * The {@code --cacert} and {@code --insecure} options of a client command, how it checks a TLS server (curl's
 * options of the same names). By default the server's certificate must chain to an authority of the system's trust
 * store and name the host connected to; {@code --cacert FILE} trusts the PEM certificates in FILE instead (a private
 * CA, or a self-signed server); {@code --insecure} checks nothing and prints a warning. A refused certificate fails
 * the connection with a one-line reason that names it ({@link TlsFailures}).
 *
 * <pre>{@code
 * @Mixin
 * ClientTlsOptions tls = new ClientTlsOptions();
 * ...
 * TlsOptions options = tls.clientOptions(System.err);
 * }</pre>
 */
public final class ClientTlsOptions {

    @Option(names = "--cacert", paramLabel = "FILE",
            description = "Trust only the PEM certificates in FILE (a private CA, or a self-signed server) when"
                    + " checking a TLS server (default: the system's trusted authorities).")
    private Path caCertificates;

    @Option(names = "--insecure", defaultValue = "false",
            description = "Check neither the TLS server's certificate nor its host name, so that anyone on the"
                    + " path can pose as the server; prints a warning (default: ${DEFAULT-VALUE}).")
    private boolean insecure;

    @Spec(Spec.Target.MIXEE)
    private CommandSpec command;

    /**
     * Returns whether {@code --cacert} or {@code --insecure} was given.
     *
     * @return {@code true} if either was
     */
    public boolean given() {
        return caCertificates != null || insecure;
    }

    /**
     * Builds the client's TLS options from the command line, reading {@code --cacert}'s file now (a blocking read,
     * at start-up). With {@code --insecure}, prints {@code COMMAND: warning: ...} on {@code err} first.
     *
     * @param err where the {@code --insecure} warning goes
     * @return client options; the host name connected to is the name checked, unless {@code --insecure}
     * @throws ParameterException if both {@code --cacert} and {@code --insecure} were given
     * @throws CommandFailure     if {@code --cacert}'s file is missing or holds no PEM certificate
     */
    public TlsOptions clientOptions(PrintStream err) {
        if (insecure && caCertificates != null) {
            throw new ParameterException(command.commandLine(), "--cacert and --insecure exclude each other");
        }
        if (insecure) {
            err.println(command.name() + ": warning: --insecure: the server's certificate and host name are not"
                    + " checked");
            err.flush();
            return TlsOptions.client(build(ServerCertificateCheck::trustingAnyCertificate))
                    .insecureSkipHostnameVerification();
        }
        return TlsOptions.client(build(() -> ServerCertificateCheck.context(
                caCertificates == null ? null : trustStore(caCertificates))));
    }

    private interface ContextBuild {
        SSLContext build() throws IOException, GeneralSecurityException;
    }

    private SSLContext build(ContextBuild build) {
        try {
            return build.build();
        } catch (IOException | GeneralSecurityException e) {
            throw new CommandFailure((caCertificates == null ? "cannot set up TLS: "
                    : "cannot use --cacert " + caCertificates + ": ") + OneLineErrors.describe(e), e);
        }
    }

    private static KeyStore trustStore(Path file) throws IOException, GeneralSecurityException {
        if (!Files.exists(file)) {
            throw new CommandFailure("--cacert " + file + " does not exist");
        }
        // TlsContexts checks the file and words its faults; the certificates are then read again into a store
        // whose trust managers ServerCertificateCheck can wrap, which a built context does not expose.
        TlsContexts.trusting(file);
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try (InputStream in = Files.newInputStream(file)) {
            int n = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("trusted-" + n++, certificate);
            }
        }
        return store;
    }
}
