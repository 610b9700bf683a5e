package io.asyncio4j.nio;

/** {@link GiveUpConformance} on a layer that keeps its own raw read in flight over a NIO.2 socket. */
class ReadAheadGiveUpTest extends GiveUpConformance {
    ReadAheadGiveUpTest() {
        super(new ReadAheadKit());
    }
}
