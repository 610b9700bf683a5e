package io.asyncio4j.nio;

/** {@link AllocatedReadConformance} on the in-memory transport. */
class MemoryAllocatedReadTest extends AllocatedReadConformance {
    MemoryAllocatedReadTest() {
        super(new MemoryKit());
    }
}
