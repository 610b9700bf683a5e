package io.asyncio4j.nio;

/** {@link PeerResetConformance} on the in-memory transport. */
class MemoryPeerResetTest extends PeerResetConformance {
    MemoryPeerResetTest() {
        super(new MemoryKit());
    }
}
