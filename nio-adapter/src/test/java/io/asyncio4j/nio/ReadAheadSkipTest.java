package io.asyncio4j.nio;

/** {@link SkipConformance} on a layer that keeps its own raw read in flight over a NIO.2 socket. */
class ReadAheadSkipTest extends SkipConformance {
    ReadAheadSkipTest() {
        super(new ReadAheadKit());
    }
}
