package io.asyncio4j.nio;

/** {@link StackSafetyConformance} on connections run by a selector loop's thread. */
class LoopThreadStackSafetyTest extends StackSafetyConformance {
    LoopThreadStackSafetyTest() {
        super(new LoopThreadKit());
    }
}
