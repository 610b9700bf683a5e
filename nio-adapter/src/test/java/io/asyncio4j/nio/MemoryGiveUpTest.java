package io.asyncio4j.nio;

/** {@link GiveUpConformance} on the in-memory transport. */
class MemoryGiveUpTest extends GiveUpConformance {
    MemoryGiveUpTest() {
        super(new MemoryKit());
    }
}
