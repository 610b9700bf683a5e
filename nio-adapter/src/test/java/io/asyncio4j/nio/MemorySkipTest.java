package io.asyncio4j.nio;

/** {@link SkipConformance} on the in-memory transport. */
class MemorySkipTest extends SkipConformance {
    MemorySkipTest() {
        super(new MemoryKit());
    }
}
