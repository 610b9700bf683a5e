package io.asyncio4j.nio;

/** {@link HandoverConformance} on NIO.2 sockets, accepted by a server of an event loop. */
class NioSocketHandoverTest extends HandoverConformance {
    NioSocketHandoverTest() {
        super(new NioSocketKit());
    }
}
