package io.asyncio4j.nio;

/** {@link ClosingConformance} on the in-memory transport. */
class MemoryClosingTest extends ClosingConformance {
    MemoryClosingTest() {
        super(new MemoryKit());
    }
}
