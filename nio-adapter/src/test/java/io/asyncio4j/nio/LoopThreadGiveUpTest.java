package io.asyncio4j.nio;

/** {@link GiveUpConformance} on connections run by a selector loop's thread. */
class LoopThreadGiveUpTest extends GiveUpConformance {
    LoopThreadGiveUpTest() {
        super(new LoopThreadKit());
    }
}
