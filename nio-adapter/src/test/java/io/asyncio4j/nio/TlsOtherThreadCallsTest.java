package io.asyncio4j.nio;

/** {@link OtherThreadCallsConformance} over TLS. */
class TlsOtherThreadCallsTest extends OtherThreadCallsConformance {
    TlsOtherThreadCallsTest() {
        super(new TlsKit());
    }
}
