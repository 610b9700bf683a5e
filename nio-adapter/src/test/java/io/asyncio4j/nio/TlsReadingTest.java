package io.asyncio4j.nio;

/** {@link ReadingConformance} over TLS. */
class TlsReadingTest extends ReadingConformance {
    TlsReadingTest() {
        super(new TlsKit());
    }
}
