package io.asyncio4j;

import javax.net.ssl.SSLHandshakeException;
import java.time.Duration;

/**
 * A TLS handshake did not complete within {@link TlsOptions#handshakeTimeout()}: the peer sent nothing, too little,
 * or something that is not TLS, or a delegated task did not run. The connection is aborted.
 */
public final class TlsHandshakeTimeoutException extends SSLHandshakeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param timeout the limit that passed
     */
    public TlsHandshakeTimeoutException(Duration timeout) {
        super("the TLS handshake did not complete within " + timeout.toMillis() + " ms");
    }
}
