package io.asyncio4j.nio;

/** {@link ReadFrameConformance} on NIO.2 sockets, accepted by a server of an event loop. */
class NioSocketReadFrameTest extends ReadFrameConformance {
    NioSocketReadFrameTest() {
        super(new NioSocketKit());
    }
}
