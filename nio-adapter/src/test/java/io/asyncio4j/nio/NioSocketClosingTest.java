package io.asyncio4j.nio;

/** {@link ClosingConformance} on NIO.2 sockets, accepted by a server of an event loop. */
class NioSocketClosingTest extends ClosingConformance {
    NioSocketClosingTest() {
        super(new NioSocketKit());
    }
}
