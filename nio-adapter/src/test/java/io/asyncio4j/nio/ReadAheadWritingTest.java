package io.asyncio4j.nio;

/** {@link WritingConformance} on a layer that keeps its own raw read in flight over a NIO.2 socket. */
class ReadAheadWritingTest extends WritingConformance {
    ReadAheadWritingTest() {
        super(new ReadAheadKit());
    }
}
