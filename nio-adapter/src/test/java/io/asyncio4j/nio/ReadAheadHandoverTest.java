package io.asyncio4j.nio;

/** {@link HandoverConformance} on a layer that keeps its own raw read in flight over a NIO.2 socket. */
class ReadAheadHandoverTest extends HandoverConformance {
    ReadAheadHandoverTest() {
        super(new ReadAheadKit());
    }
}
