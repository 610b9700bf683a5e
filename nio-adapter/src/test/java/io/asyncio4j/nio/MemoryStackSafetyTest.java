package io.asyncio4j.nio;

/** {@link StackSafetyConformance} on the in-memory transport. */
class MemoryStackSafetyTest extends StackSafetyConformance {
    MemoryStackSafetyTest() {
        super(new MemoryKit());
    }
}
