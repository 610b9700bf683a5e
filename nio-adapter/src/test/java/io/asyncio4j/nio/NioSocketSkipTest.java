package io.asyncio4j.nio;

/** {@link SkipConformance} on NIO.2 sockets, accepted by a server of an event loop. */
class NioSocketSkipTest extends SkipConformance {
    NioSocketSkipTest() {
        super(new NioSocketKit());
    }
}
