package io.asyncio4j;

import javax.net.ssl.SSLContext;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Immutable settings of TLS on one side of a connection: the {@link SSLContext} that holds keys and trust, what is
 * negotiated (protocol versions, cipher suites, ALPN), how the peer is checked, and how long each TLS wait may last.
 * Start from {@link #client()} or {@link #server(SSLContext)} and derive with the {@code with} methods; each returns
 * a new instance. Give it to {@link ConnectionOptions#withTls} (a client's {@code connect}, a server's accepted
 * connections) or to {@link Connection#startTls} (an upgrade of a plain connection).
 *
 * <pre>{@code
 * TlsOptions.client()                                              // the JDK's default trust, host name checked
 * TlsOptions.client(TlsContexts.trusting(Path.of("ca.pem")))       // a private CA
 * TlsOptions.server(TlsContexts.fromPem(Path.of("cert.pem"), Path.of("key.pem")))
 *         .withApplicationProtocols("h2", "http/1.1")
 * }</pre>
 *
 * <p><b>Client defaults:</b> the JDK's default context ({@link SSLContext#getDefault()}); the server's name, for
 * SNI and for the certificate check, is the host given to {@code connect} unless {@link #withServerName} sets one;
 * host name verification on (the {@code HTTPS} endpoint identification of RFC 2818), turned off only by
 * {@link #insecureSkipHostnameVerification()}. <b>Server defaults:</b> no client certificate asked for. <b>Both:</b>
 * the engine's protocol versions and cipher suites, no ALPN, a 10 s handshake timeout, a 3 s bound on sending
 * {@code close_notify} at close, no wait for the peer's {@code close_notify}, and a raw end of stream without
 * {@code close_notify} reported as a {@link TlsTruncationException}. Delegated tasks of the engine (certificate
 * checks, key exchange) run on the event loop's worker threads unless {@link #withDelegatedTaskExecutor} names
 * another executor.
 */
public final class TlsOptions {

    /** Whether a server asks for, or demands, a certificate from its clients. */
    public enum ClientAuth {
        /** No client certificate is asked for. */
        NONE,
        /** A certificate is asked for; a client without one is accepted, one with a bad one is refused. */
        OPTIONAL,
        /** A client without a certificate the server's trust accepts fails the handshake. */
        REQUIRED
    }

    private static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration DEFAULT_CLOSE_NOTIFY_FLUSH_TIMEOUT = Duration.ofSeconds(3);

    private final boolean server;
    private final SSLContext context;
    private final Function<String, SSLContext> contextByServerName;
    private final String serverName;
    private final boolean hostnameVerification;
    private final List<String> applicationProtocols;
    private final List<String> protocols;
    private final List<String> cipherSuites;
    private final ClientAuth clientAuth;
    private final Duration handshakeTimeout;
    private final Duration closeNotifyFlushTimeout;
    private final Duration closeNotifyReadTimeout;
    private final boolean raggedEofAllowed;
    private final Executor delegatedTaskExecutor;

    private TlsOptions(boolean server, SSLContext context, Function<String, SSLContext> contextByServerName,
                       String serverName, boolean hostnameVerification, List<String> applicationProtocols,
                       List<String> protocols, List<String> cipherSuites, ClientAuth clientAuth,
                       Duration handshakeTimeout, Duration closeNotifyFlushTimeout, Duration closeNotifyReadTimeout,
                       boolean raggedEofAllowed, Executor delegatedTaskExecutor) {
        this.server = server;
        this.context = context;
        this.contextByServerName = contextByServerName;
        this.serverName = serverName;
        this.hostnameVerification = hostnameVerification;
        this.applicationProtocols = applicationProtocols;
        this.protocols = protocols;
        this.cipherSuites = cipherSuites;
        this.clientAuth = clientAuth;
        this.handshakeTimeout = handshakeTimeout;
        this.closeNotifyFlushTimeout = closeNotifyFlushTimeout;
        this.closeNotifyReadTimeout = closeNotifyReadTimeout;
        this.raggedEofAllowed = raggedEofAllowed;
        this.delegatedTaskExecutor = delegatedTaskExecutor;
    }

    private TlsOptions(boolean server, SSLContext context) {
        this(server, context, null, null, true, List.of(), null, null, ClientAuth.NONE, DEFAULT_HANDSHAKE_TIMEOUT,
                DEFAULT_CLOSE_NOTIFY_FLUSH_TIMEOUT, Duration.ZERO, false, null);
    }

    /**
     * The client side with the JDK's default context: the system's trusted certificate authorities, no client
     * certificate.
     *
     * @return client options with the defaults described above
     */
    public static TlsOptions client() {
        return new TlsOptions(false, null);
    }

    /**
     * The client side with {@code context}: its trust managers check the server, its key managers (if any) give a
     * client certificate.
     *
     * @param context the context engines are created from
     * @return client options with the defaults described above
     */
    public static TlsOptions client(SSLContext context) {
        return new TlsOptions(false, Objects.requireNonNull(context, "context"));
    }

    /**
     * The server side with {@code context}, whose key managers hold the server's certificate and key (see
     * {@link TlsContexts}).
     *
     * @param context the context engines are created from
     * @return server options with the defaults described above
     */
    public static TlsOptions server(SSLContext context) {
        return new TlsOptions(true, Objects.requireNonNull(context, "context"));
    }

    private TlsOptions copy(SSLContext context, Function<String, SSLContext> contextByServerName, String serverName,
                            boolean hostnameVerification, List<String> applicationProtocols, List<String> protocols,
                            List<String> cipherSuites, ClientAuth clientAuth, Duration handshakeTimeout,
                            Duration closeNotifyFlushTimeout, Duration closeNotifyReadTimeout,
                            boolean raggedEofAllowed, Executor delegatedTaskExecutor) {
        return new TlsOptions(server, context, contextByServerName, serverName, hostnameVerification,
                applicationProtocols, protocols, cipherSuites, clientAuth, handshakeTimeout, closeNotifyFlushTimeout,
                closeNotifyReadTimeout, raggedEofAllowed, delegatedTaskExecutor);
    }

    /** @return {@code true} for the server side of the handshake, {@code false} for the client side */
    public boolean isServer() {
        return server;
    }

    /**
     * @return the context engines are created from; on a client, {@link SSLContext#getDefault()} when none was given
     * @throws IllegalStateException if the JDK has no default context
     */
    public SSLContext context() {
        if (context != null) {
            return context;
        }
        try {
            return SSLContext.getDefault();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no default TLS context", e);
        }
    }

    /**
     * @return on a server, what chooses a context by the name the client asked for (SNI), if set
     * @see #withServerNameContexts(Function)
     */
    public Optional<Function<String, SSLContext>> contextByServerName() {
        return Optional.ofNullable(contextByServerName);
    }

    /** @return on a client, the server's name set by {@link #withServerName}, if any */
    public Optional<String> serverName() {
        return Optional.ofNullable(serverName);
    }

    /** @return on a client, whether the server's certificate must name the server ({@code true} by default) */
    public boolean hostnameVerification() {
        return hostnameVerification;
    }

    /** @return the ALPN protocols, in preference order; empty for no ALPN */
    public List<String> applicationProtocols() {
        return applicationProtocols;
    }

    /** @return the protocol versions enabled ({@code "TLSv1.3"}, ...), if restricted */
    public Optional<List<String>> protocols() {
        return Optional.ofNullable(protocols);
    }

    /** @return the cipher suites enabled, if restricted */
    public Optional<List<String>> cipherSuites() {
        return Optional.ofNullable(cipherSuites);
    }

    /** @return on a server, whether client certificates are asked for */
    public ClientAuth clientAuth() {
        return clientAuth;
    }

    /** @return how long the handshake may take, from the first byte the layer may send or read; never zero */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /** @return how long a close may spend sending {@code close_notify} before the socket is closed anyway */
    public Duration closeNotifyFlushTimeout() {
        return closeNotifyFlushTimeout;
    }

    /** @return how long a close waits for the peer's {@code close_notify} after sending its own; zero for not at all */
    public Duration closeNotifyReadTimeout() {
        return closeNotifyReadTimeout;
    }

    /** @return whether a raw end of stream without {@code close_notify}, between records, reads as a clean end */
    public boolean raggedEofAllowed() {
        return raggedEofAllowed;
    }

    /** @return where the engine's delegated tasks run, if not on the event loop's worker threads */
    public Optional<Executor> delegatedTaskExecutor() {
        return Optional.ofNullable(delegatedTaskExecutor);
    }

    /**
     * Sets the name a client asks for (SNI) and checks the server's certificate against, in place of the host given
     * to {@code connect}; needed by {@link Connection#startTls} on a client, whose connection has no host name.
     * An address literal is checked against the certificate's IP addresses and sent without SNI.
     *
     * @param name a DNS name or address literal
     * @return new options
     * @throws IllegalStateException on server options
     */
    public TlsOptions withServerName(String name) {
        clientOnly("withServerName");
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("the server name must not be empty");
        }
        return copy(context, contextByServerName, name, hostnameVerification, applicationProtocols, protocols,
                cipherSuites, clientAuth, handshakeTimeout, closeNotifyFlushTimeout, closeNotifyReadTimeout,
                raggedEofAllowed, delegatedTaskExecutor);
    }

    /**
     * Turns off the check that the server's certificate names the server. Any server holding a certificate the
     * context trusts, for any name, can then pose as this one: use it only against a test server. The certificate
     * chain itself is still checked by the context's trust managers.
     *
     * @return new options
     * @throws IllegalStateException on server options
     */
    public TlsOptions insecureSkipHostnameVerification() {
        clientOnly("insecureSkipHostnameVerification");
        return copy(context, contextByServerName, serverName, false, applicationProtocols, protocols, cipherSuites,
                clientAuth, handshakeTimeout, closeNotifyFlushTimeout, closeNotifyReadTimeout, raggedEofAllowed,
                delegatedTaskExecutor);
    }

    /**
     * Sets the ALPN protocols: a client offers them in this order; a server picks the first of its own list that
     * the client offered, and refuses a client that offered only others; a client that offers none gets none.
     *
     * @param names protocol names such as {@code "http/1.1"}; none for no ALPN
     * @return new options
     */
    public TlsOptions withApplicationProtocols(String... names) {
        return copy(context, contextByServerName, serverName, hostnameVerification, names(names, "protocol"),
                protocols, cipherSuites, clientAuth, handshakeTimeout, closeNotifyFlushTimeout,
                closeNotifyReadTimeout, raggedEofAllowed, delegatedTaskExecutor);
    }

    /**
     * Restricts the protocol versions, for instance to {@code "TLSv1.3"}.
     *
     * @param versions the versions the engine may negotiate, at least one
     * @return new options
     */
    public TlsOptions withProtocols(String... versions) {
        return copy(context, contextByServerName, serverName, hostnameVerification, applicationProtocols,
                nonEmpty(names(versions, "protocol version"), "protocol versions"), cipherSuites, clientAuth,
                handshakeTimeout, closeNotifyFlushTimeout, closeNotifyReadTimeout, raggedEofAllowed,
                delegatedTaskExecutor);
    }

    /**
     * Restricts the cipher suites.
     *
     * @param suites the suites the engine may negotiate, at least one, by their standard names
     * @return new options
     */
    public TlsOptions withCipherSuites(String... suites) {
        return copy(context, contextByServerName, serverName, hostnameVerification, applicationProtocols, protocols,
                nonEmpty(names(suites, "cipher suite"), "cipher suites"), clientAuth, handshakeTimeout,
                closeNotifyFlushTimeout, closeNotifyReadTimeout, raggedEofAllowed, delegatedTaskExecutor);
    }

    /**
     * Sets whether a server asks for client certificates, checked by its context's trust managers.
     *
     * @param auth none, optional or required
     * @return new options
     * @throws IllegalStateException on client options
     */
    public TlsOptions withClientAuth(ClientAuth auth) {
        serverOnly("withClientAuth");
        return copy(context, contextByServerName, serverName, hostnameVerification, applicationProtocols, protocols,
                cipherSuites, Objects.requireNonNull(auth, "auth"), handshakeTimeout, closeNotifyFlushTimeout,
                closeNotifyReadTimeout, raggedEofAllowed, delegatedTaskExecutor);
    }

    /**
     * Chooses the server's context by the name the client asks for (SNI), as a server with one certificate per
     * host does: the layer reads the client's first handshake message before creating the engine, and calls
     * {@code byName} with the requested name in lower case; a {@code null} result, or a client that asks for no
     * name, gets the context given to {@link #server(SSLContext)}. The function runs on the connection's executor:
     * a map lookup, not a blocking load. The handshake timeout covers the wait for that first message.
     *
     * @param byName the context for a requested name, or {@code null} for the default
     * @return new options
     * @throws IllegalStateException on client options
     */
    public TlsOptions withServerNameContexts(Function<String, SSLContext> byName) {
        serverOnly("withServerNameContexts");
        return copy(context, Objects.requireNonNull(byName, "byName"), serverName, hostnameVerification,
                applicationProtocols, protocols, cipherSuites, clientAuth, handshakeTimeout, closeNotifyFlushTimeout,
                closeNotifyReadTimeout, raggedEofAllowed, delegatedTaskExecutor);
    }

    /**
     * Sets how long the handshake may take. When it passes, the connection is aborted and the handshake fails
     * with a {@link TlsHandshakeTimeoutException}, whatever it waited for: the peer, or a delegated task.
     *
     * @param timeout a positive duration
     * @return new options
     */
    public TlsOptions withHandshakeTimeout(Duration timeout) {
        return copy(context, contextByServerName, serverName, hostnameVerification, applicationProtocols, protocols,
                cipherSuites, clientAuth, positive(timeout, "handshakeTimeout"), closeNotifyFlushTimeout,
                closeNotifyReadTimeout, raggedEofAllowed, delegatedTaskExecutor);
    }

    /**
     * Sets how long a close may spend sending {@code close_notify} (behind the output queued before it) before the
     * socket is closed anyway, so that a peer that stops reading cannot hold a closing connection open.
     *
     * @param timeout a positive duration
     * @return new options
     */
    public TlsOptions withCloseNotifyFlushTimeout(Duration timeout) {
        return copy(context, contextByServerName, serverName, hostnameVerification, applicationProtocols, protocols,
                cipherSuites, clientAuth, handshakeTimeout, positive(timeout, "closeNotifyFlushTimeout"),
                closeNotifyReadTimeout, raggedEofAllowed, delegatedTaskExecutor);
    }

    /**
     * Makes a close wait, once its {@code close_notify} is sent, for the peer's reply for up to {@code timeout}
     * (discarding application data that arrives meanwhile) before closing the socket: the orderly TLS close some
     * protocols want. A TLS 1.3 peer need not answer, so the default, zero, does not wait.
     *
     * @param timeout zero for no wait, or a positive duration
     * @return new options
     */
    public TlsOptions withCloseNotifyReadTimeout(Duration timeout) {
        return copy(context, contextByServerName, serverName, hostnameVerification, applicationProtocols, protocols,
                cipherSuites, clientAuth, handshakeTimeout, closeNotifyFlushTimeout,
                nonNegative(timeout, "closeNotifyReadTimeout"), raggedEofAllowed, delegatedTaskExecutor);
    }

    /**
     * Makes a raw end of stream that arrives between records, without {@code close_notify}, read as a clean end of
     * stream instead of failing with a {@link TlsTruncationException}: for protocols that delimit their own messages
     * (HTTP with lengths), whose peers often skip {@code close_notify}. An end in the middle of a record is a
     * truncation either way.
     *
     * @param allowed whether a ragged end reads as a clean one
     * @return new options
     */
    public TlsOptions withRaggedEofAllowed(boolean allowed) {
        return copy(context, contextByServerName, serverName, hostnameVerification, applicationProtocols, protocols,
                cipherSuites, clientAuth, handshakeTimeout, closeNotifyFlushTimeout, closeNotifyReadTimeout, allowed,
                delegatedTaskExecutor);
    }

    /**
     * Sets where the engine's delegated tasks (certificate path checks, key exchange) run; the engine resumes on
     * the connection's executor once a task is done. A task that never runs still meets the handshake timeout.
     *
     * @param executor an executor whose threads may block briefly; not an I/O thread
     * @return new options
     */
    public TlsOptions withDelegatedTaskExecutor(Executor executor) {
        return copy(context, contextByServerName, serverName, hostnameVerification, applicationProtocols, protocols,
                cipherSuites, clientAuth, handshakeTimeout, closeNotifyFlushTimeout, closeNotifyReadTimeout,
                raggedEofAllowed, Objects.requireNonNull(executor, "executor"));
    }

    private void clientOnly(String method) {
        if (server) {
            throw new IllegalStateException(method + " applies to client options only");
        }
    }

    private void serverOnly(String method) {
        if (!server) {
            throw new IllegalStateException(method + " applies to server options only");
        }
    }

    private static List<String> names(String[] names, String what) {
        Objects.requireNonNull(names, what + "s");
        for (String n : names) {
            Objects.requireNonNull(n, what);
            if (n.isEmpty()) {
                throw new IllegalArgumentException("a " + what + " name must not be empty");
            }
        }
        return List.of(names);
    }

    private static List<String> nonEmpty(List<String> list, String what) {
        if (list.isEmpty()) {
            throw new IllegalArgumentException("at least one of the " + what + " must be given");
        }
        return list;
    }

    private static Duration positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
        return d;
    }

    private static Duration nonNegative(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative: " + d);
        }
        return d;
    }

    @Override
    public String toString() {
        return "TlsOptions[" + (server ? "server" : "client")
                + (serverName != null ? ", serverName=" + serverName : "")
                + (server || hostnameVerification ? "" : ", INSECURE: no host name verification")
                + (applicationProtocols.isEmpty() ? "" : ", alpn=" + applicationProtocols)
                + (protocols != null ? ", protocols=" + protocols : "")
                + (server && clientAuth != ClientAuth.NONE ? ", clientAuth=" + clientAuth : "")
                + ", handshakeTimeout=" + handshakeTimeout + "]";
    }
}
