package io.asyncio4j.nio;

/** {@link HandoverConformance} on connections run by a selector loop's thread. */
class LoopThreadHandoverTest extends HandoverConformance {
    LoopThreadHandoverTest() {
        super(new LoopThreadKit());
    }
}
