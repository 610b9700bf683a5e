package io.asyncio4j.samples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.fail;

/**
 * Runs {@code asyncio4j COMMAND...} as a user would, in a child JVM ({@link Main} on this module's class path, its
 * own logback configuration rather than the tests'), with standard input closed, and returns how it ended.
 */
final class CommandProcess {

    /** How the child ended: its exit status and the lines it printed on each stream. */
    record Result(int status, List<String> out, List<String> err) {
    }

    private CommandProcess() {
    }

    /**
     * Runs the command line to its end.
     *
     * @param timeout how long the child may take before it is killed and the test fails
     * @param args    the command and its options
     * @return how it ended
     * @throws IOException          if the JVM cannot be started or its output read
     * @throws InterruptedException if interrupted while waiting
     */
    static Result run(Duration timeout, String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile("asyncio4j-out", ".txt");
        Path err = Files.createTempFile("asyncio4j-err", ".txt");
        try {
            List<String> command = Stream.concat(Stream.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx128m",
                    "-cp", mainClassPath(), Main.class.getName()), Stream.of(args)).toList();
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            builder.environment().remove("ASYNCIO4J_LOG");
            Process process = builder.start();
            process.getOutputStream().close();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                fail("asyncio4j " + String.join(" ", args) + " still ran after " + timeout + "; stdout: "
                        + Files.readAllLines(out, UTF_8) + ", stderr: " + Files.readAllLines(err, UTF_8));
            }
            return new Result(process.exitValue(), Files.readAllLines(out, UTF_8), Files.readAllLines(err, UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** This JVM's class path without the test classes, whose logback-test.xml would hide what users see. */
    private static String mainClassPath() {
        String separator = System.getProperty("path.separator");
        return Stream.of(System.getProperty("java.class.path").split(separator))
                .filter(entry -> !Path.of(entry).endsWith("test-classes"))
                .collect(Collectors.joining(separator));
    }
}
