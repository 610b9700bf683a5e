package io.asyncio4j.nio;

/** {@link OtherThreadCallsConformance} on connections run by a selector loop's thread. */
class LoopThreadOtherThreadCallsTest extends OtherThreadCallsConformance {
    LoopThreadOtherThreadCallsTest() {
        super(new LoopThreadKit());
    }
}
