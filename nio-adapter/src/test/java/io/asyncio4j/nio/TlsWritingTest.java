package io.asyncio4j.nio;

/** {@link WritingConformance} over TLS. */
class TlsWritingTest extends WritingConformance {
    TlsWritingTest() {
        super(new TlsKit());
    }
}
