package io.asyncio4j.nio;

/** {@link AllocatedReadConformance} on NIO.2 sockets, accepted by a server of an event loop. */
class NioSocketAllocatedReadTest extends AllocatedReadConformance {
    NioSocketAllocatedReadTest() {
        super(new NioSocketKit());
    }
}
