package io.asyncio4j.nio;

/** {@link GiveUpConformance} on NIO.2 sockets, accepted by a server of an event loop. */
class NioSocketGiveUpTest extends GiveUpConformance {
    NioSocketGiveUpTest() {
        super(new NioSocketKit());
    }
}
