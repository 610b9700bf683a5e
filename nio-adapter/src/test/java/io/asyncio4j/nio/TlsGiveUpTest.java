package io.asyncio4j.nio;

/** {@link GiveUpConformance} over TLS. */
class TlsGiveUpTest extends GiveUpConformance {
    TlsGiveUpTest() {
        super(new TlsKit());
    }
}
