package io.asyncio4j.nio;

/** {@link ClosingConformance} over TLS. */
class TlsClosingTest extends ClosingConformance {
    TlsClosingTest() {
        super(new TlsKit());
    }
}
