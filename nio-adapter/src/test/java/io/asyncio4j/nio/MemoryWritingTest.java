package io.asyncio4j.nio;

/** {@link WritingConformance} on the in-memory transport. */
class MemoryWritingTest extends WritingConformance {
    MemoryWritingTest() {
        super(new MemoryKit());
    }
}
