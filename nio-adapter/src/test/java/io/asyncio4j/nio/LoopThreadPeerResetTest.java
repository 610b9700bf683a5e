package io.asyncio4j.nio;

/** {@link PeerResetConformance} on connections run by a selector loop's thread. */
class LoopThreadPeerResetTest extends PeerResetConformance {
    LoopThreadPeerResetTest() {
        super(new LoopThreadKit());
    }
}
