package io.asyncio4j.nio;

/** {@link StackSafetyConformance} on a layer that keeps its own raw read in flight over a NIO.2 socket. */
class ReadAheadStackSafetyTest extends StackSafetyConformance {
    ReadAheadStackSafetyTest() {
        super(new ReadAheadKit());
    }
}
