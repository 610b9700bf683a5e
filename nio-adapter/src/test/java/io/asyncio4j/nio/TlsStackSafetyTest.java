package io.asyncio4j.nio;

/** {@link StackSafetyConformance} over TLS. */
class TlsStackSafetyTest extends StackSafetyConformance {
    TlsStackSafetyTest() {
        super(new TlsKit());
    }
}
