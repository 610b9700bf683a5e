package io.asyncio4j.nio;

/** {@link HandoverConformance} on the in-memory transport. */
class MemoryHandoverTest extends HandoverConformance {
    MemoryHandoverTest() {
        super(new MemoryKit());
    }
}
