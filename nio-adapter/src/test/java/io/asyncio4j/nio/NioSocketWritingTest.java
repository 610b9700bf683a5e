package io.asyncio4j.nio;

/** {@link WritingConformance} on NIO.2 sockets, accepted by a server of an event loop. */
class NioSocketWritingTest extends WritingConformance {
    NioSocketWritingTest() {
        super(new NioSocketKit());
    }
}
