package io.asyncio4j.nio;

/** {@link ReadFrameConformance} on connections run by a selector loop's thread. */
class LoopThreadReadFrameTest extends ReadFrameConformance {
    LoopThreadReadFrameTest() {
        super(new LoopThreadKit());
    }
}
