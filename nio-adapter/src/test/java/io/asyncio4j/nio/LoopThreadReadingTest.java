package io.asyncio4j.nio;

/** {@link ReadingConformance} on connections run by a selector loop's thread. */
class LoopThreadReadingTest extends ReadingConformance {
    LoopThreadReadingTest() {
        super(new LoopThreadKit());
    }
}
