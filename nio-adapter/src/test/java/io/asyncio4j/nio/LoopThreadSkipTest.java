package io.asyncio4j.nio;

/** {@link SkipConformance} on connections run by a selector loop's thread. */
class LoopThreadSkipTest extends SkipConformance {
    LoopThreadSkipTest() {
        super(new LoopThreadKit());
    }
}
