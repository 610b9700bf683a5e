package io.asyncio4j.nio;

/** {@link OtherThreadCallsConformance} on the in-memory transport. */
class MemoryOtherThreadCallsTest extends OtherThreadCallsConformance {
    MemoryOtherThreadCallsTest() {
        super(new MemoryKit());
    }
}
