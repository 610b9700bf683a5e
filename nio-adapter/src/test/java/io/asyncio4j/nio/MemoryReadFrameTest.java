package io.asyncio4j.nio;

/** {@link ReadFrameConformance} on the in-memory transport. */
class MemoryReadFrameTest extends ReadFrameConformance {
    MemoryReadFrameTest() {
        super(new MemoryKit());
    }
}
