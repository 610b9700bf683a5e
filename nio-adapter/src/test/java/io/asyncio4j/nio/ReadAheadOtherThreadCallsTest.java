package io.asyncio4j.nio;

/** {@link OtherThreadCallsConformance} on a layer that keeps its own raw read in flight over a NIO.2 socket. */
class ReadAheadOtherThreadCallsTest extends OtherThreadCallsConformance {
    ReadAheadOtherThreadCallsTest() {
        super(new ReadAheadKit());
    }
}
