package io.asyncio4j.nio;

/** {@link HandoverConformance} over TLS. */
class TlsHandoverTest extends HandoverConformance {
    TlsHandoverTest() {
        super(new TlsKit());
    }
}
