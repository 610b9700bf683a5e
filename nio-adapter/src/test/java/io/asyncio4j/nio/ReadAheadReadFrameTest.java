package io.asyncio4j.nio;

/** {@link ReadFrameConformance} on a layer that keeps its own raw read in flight over a NIO.2 socket. */
class ReadAheadReadFrameTest extends ReadFrameConformance {
    ReadAheadReadFrameTest() {
        super(new ReadAheadKit());
    }
}
