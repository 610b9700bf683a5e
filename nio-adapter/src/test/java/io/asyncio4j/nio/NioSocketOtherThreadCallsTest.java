package io.asyncio4j.nio;

/** {@link OtherThreadCallsConformance} on NIO.2 sockets, accepted by a server of an event loop. */
class NioSocketOtherThreadCallsTest extends OtherThreadCallsConformance {
    NioSocketOtherThreadCallsTest() {
        super(new NioSocketKit());
    }
}
