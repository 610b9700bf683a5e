package io.asyncio4j.nio;

/** {@link AllocatedReadConformance} on connections run by a selector loop's thread. */
class LoopThreadAllocatedReadTest extends AllocatedReadConformance {
    LoopThreadAllocatedReadTest() {
        super(new LoopThreadKit());
    }
}
