package io.asyncio4j.nio;

/** {@link ReadingConformance} on the in-memory transport. */
class MemoryReadingTest extends ReadingConformance {
    MemoryReadingTest() {
        super(new MemoryKit());
    }
}
