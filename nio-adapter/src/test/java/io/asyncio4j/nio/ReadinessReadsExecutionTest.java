package io.asyncio4j.nio;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The module's suite runs twice (see its {@code pom.xml}): once as the JDK comes, and once as the README recommends
 * servers to run, with {@code -Dsun.nio.ch.disableSynchronousRead=true}. This checks that each execution runs the
 * way it says it does, so that a change to the build cannot quietly turn the second run into a copy of the first.
 */
class ReadinessReadsExecutionTest {

    private static final String JDK_PROPERTY = "sun.nio.ch.disableSynchronousRead";

    @Test
    void theJdkPropertyIsSetExactlyInTheReadinessReadsExecution() {
        // Set by the module's pom.xml; a run from an IDE has neither it nor the JDK property.
        String execution = System.getProperty("asyncio4j.test.execution", "default");
        assertThat(execution).isIn("default", "readiness-reads");
        if (execution.equals("readiness-reads")) {
            assertThat(System.getProperty(JDK_PROPERTY)).isEqualTo("true");
        } else {
            assertThat(System.getProperty(JDK_PROPERTY)).isNull();
        }
    }
}
