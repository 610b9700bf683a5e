package io.asyncio4j.nio;

/** {@link ReadingConformance} on a layer that keeps its own raw read in flight over a NIO.2 socket. */
class ReadAheadReadingTest extends ReadingConformance {
    ReadAheadReadingTest() {
        super(new ReadAheadKit());
    }
}
