package io.asyncio4j.nio;

/** {@link StackSafetyConformance} on NIO.2 sockets, accepted by a server of an event loop. */
class NioSocketStackSafetyTest extends StackSafetyConformance {
    NioSocketStackSafetyTest() {
        super(new NioSocketKit());
    }
}
