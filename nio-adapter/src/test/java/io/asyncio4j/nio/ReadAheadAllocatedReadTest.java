package io.asyncio4j.nio;

/** {@link AllocatedReadConformance} on a layer that keeps its own raw read in flight over a NIO.2 socket. */
class ReadAheadAllocatedReadTest extends AllocatedReadConformance {
    ReadAheadAllocatedReadTest() {
        super(new ReadAheadKit());
    }
}
