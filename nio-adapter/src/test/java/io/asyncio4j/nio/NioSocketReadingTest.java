package io.asyncio4j.nio;

/** {@link ReadingConformance} on NIO.2 sockets, accepted by a server of an event loop. */
class NioSocketReadingTest extends ReadingConformance {
    NioSocketReadingTest() {
        super(new NioSocketKit());
    }
}
