package io.asyncio4j.nio;

/** {@link PeerResetConformance} on a layer that keeps its own raw read in flight over a NIO.2 socket. */
class ReadAheadPeerResetTest extends PeerResetConformance {
    ReadAheadPeerResetTest() {
        super(new ReadAheadKit());
    }
}
