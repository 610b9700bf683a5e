package io.asyncio4j.nio;

/** {@link WritingConformance} on connections run by a selector loop's thread. */
class LoopThreadWritingTest extends WritingConformance {
    LoopThreadWritingTest() {
        super(new LoopThreadKit());
    }
}
