package io.asyncio4j;

import javax.net.ssl.SSLException;

/**
 * The peer's byte stream ended without TLS's {@code close_notify}: the data read may have been cut short by an
 * attacker or a crash, so the read that meets the end fails with this instead of reporting a clean end of stream.
 * A stream that ends in the middle of a record always fails so; one that ends between records reads as a clean end
 * when {@link TlsOptions#withRaggedEofAllowed(boolean)} allows it. The bytes received before the end have all been
 * delivered by then.
 */
public final class TlsTruncationException extends SSLException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what was cut: between records, or inside one
     */
    public TlsTruncationException(String message) {
        super(message);
    }
}
