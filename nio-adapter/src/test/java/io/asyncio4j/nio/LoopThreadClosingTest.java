package io.asyncio4j.nio;

/** {@link ClosingConformance} on connections run by a selector loop's thread. */
class LoopThreadClosingTest extends ClosingConformance {
    LoopThreadClosingTest() {
        super(new LoopThreadKit());
    }
}
