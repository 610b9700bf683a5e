package io.asyncio4j.nio;

/** {@link ReadFrameConformance} over TLS. */
class TlsReadFrameTest extends ReadFrameConformance {
    TlsReadFrameTest() {
        super(new TlsKit());
    }
}
