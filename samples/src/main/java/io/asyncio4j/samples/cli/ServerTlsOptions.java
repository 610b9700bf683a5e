package io.asyncio4j.samples.cli;

import io.asyncio4j.TlsContexts;
import io.asyncio4j.TlsOptions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Optional;

/**
 * The TLS options of a server command: {@code --tls-cert CERT.pem --tls-key KEY.pem} (a PEM chain and its
 * unencrypted private key, as {@code openssl req -newkey rsa:2048 -nodes} writes them) or
 * {@code --tls-keystore FILE --tls-keystore-password PASSWORD} (a PKCS#12 or JKS key store); without either the
 * server speaks plain TCP. An option given without its partner is a usage error; a missing file, a key that is not
 * the certificate's or a wrong password is a one-line {@link CommandFailure}.
 *
 * <pre>{@code
 * @Mixin
 * ServerTlsOptions tls = new ServerTlsOptions();
 * ...
 * ConnectionOptions.defaults().withTls(tls.serverOptions().orElse(null))
 * }</pre>
 */
public final class ServerTlsOptions {

    @Option(names = "--tls-cert", paramLabel = "CERT.pem",
            description = "Serve TLS with the PEM certificate chain in CERT.pem, the server's own certificate first;"
                    + " needs --tls-key (default: none, plain TCP).")
    private Path certificateChain;

    @Option(names = "--tls-key", paramLabel = "KEY.pem",
            description = "The unencrypted PEM private key of --tls-cert: PKCS#8, PKCS#1 or SEC1 (default: none).")
    private Path privateKey;

    @Option(names = "--tls-keystore", paramLabel = "FILE",
            description = "Serve TLS with the key entries of a PKCS#12 or JKS key store, in place of --tls-cert and"
                    + " --tls-key; needs --tls-keystore-password (default: none).")
    private Path keyStore;

    @Option(names = "--tls-keystore-password", paramLabel = "PASSWORD", arity = "1",
            description = "The password of --tls-keystore and of its keys (default: none).")
    private char[] keyStorePassword;

    @Spec(Spec.Target.MIXEE)
    private CommandSpec command;

    /**
     * Builds the server's TLS options from the command line, reading the files now (a blocking read, at start-up).
     *
     * @return server options showing the certificate given, or empty if no TLS option was given
     * @throws ParameterException if an option was given without its partner, or both forms were given
     * @throws CommandFailure     if a file is missing, cannot be read or decoded, the key is not the certificate's,
     *                            or the password is wrong
     */
    public Optional<TlsOptions> serverOptions() {
        if (keyStore != null && (certificateChain != null || privateKey != null)) {
            throw usage("--tls-keystore and --tls-cert/--tls-key exclude each other");
        }
        if (keyStore == null && keyStorePassword != null) {
            throw usage("--tls-keystore-password needs --tls-keystore");
        }
        if (keyStore != null && keyStorePassword == null) {
            throw usage("--tls-keystore needs --tls-keystore-password");
        }
        if (certificateChain != null && privateKey == null) {
            throw usage("--tls-cert needs --tls-key");
        }
        if (privateKey != null && certificateChain == null) {
            throw usage("--tls-key needs --tls-cert");
        }
        if (certificateChain != null) {
            existing("--tls-cert", certificateChain);
            existing("--tls-key", privateKey);
            return Optional.of(TlsOptions.server(load(() -> TlsContexts.fromPem(certificateChain, privateKey))));
        }
        if (keyStore != null) {
            existing("--tls-keystore", keyStore);
            return Optional.of(TlsOptions.server(load(() -> TlsContexts.fromKeyStore(keyStore, keyStorePassword))));
        }
        return Optional.empty();
    }

    private ParameterException usage(String message) {
        return new ParameterException(command.commandLine(), message);
    }

    private static void existing(String option, Path file) {
        if (!Files.exists(file)) {
            throw new CommandFailure(option + " " + file + " does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw new CommandFailure(option + " " + file + " is not a file");
        }
    }

    private interface ContextLoad {
        SSLContext load() throws IOException, GeneralSecurityException;
    }

    private static SSLContext load(ContextLoad load) {
        try {
            return load.load();
        } catch (IOException | GeneralSecurityException e) {
            // TlsContexts' messages name the file at fault.
            throw new CommandFailure("cannot serve TLS: " + OneLineErrors.describe(e), e);
        }
    }
}
