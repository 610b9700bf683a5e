package io.asyncio4j.nio;

/** {@link ClosingConformance} on a layer that keeps its own raw read in flight over a NIO.2 socket. */
class ReadAheadClosingTest extends ClosingConformance {
    ReadAheadClosingTest() {
        super(new ReadAheadKit());
    }
}
