package io.asyncio4j.nio;

/** {@link AllocatedReadConformance} over TLS. */
class TlsAllocatedReadTest extends AllocatedReadConformance {
    TlsAllocatedReadTest() {
        super(new TlsKit());
    }
}
