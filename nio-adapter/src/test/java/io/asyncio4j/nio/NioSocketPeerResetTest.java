package io.asyncio4j.nio;

/** {@link PeerResetConformance} on NIO.2 sockets, accepted by a server of an event loop. */
class NioSocketPeerResetTest extends PeerResetConformance {
    NioSocketPeerResetTest() {
        super(new NioSocketKit());
    }
}
