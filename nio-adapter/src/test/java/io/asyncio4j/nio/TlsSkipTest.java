package io.asyncio4j.nio;

/** {@link SkipConformance} over TLS. */
class TlsSkipTest extends SkipConformance {
    TlsSkipTest() {
        super(new TlsKit());
    }
}
