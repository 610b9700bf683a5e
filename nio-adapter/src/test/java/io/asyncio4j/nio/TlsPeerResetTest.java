package io.asyncio4j.nio;

/** {@link PeerResetConformance} over TLS. */
class TlsPeerResetTest extends PeerResetConformance {
    TlsPeerResetTest() {
        super(new TlsKit());
    }
}
