package io.asyncio4j.samples;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import static java.nio.charset.StandardCharsets.UTF_8;

/** A {@link PrintStream} for a sample's standard output that tests can wait on, line by line. */
public final class PrintedLines {

    private final List<String> lines = new ArrayList<>();
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private final PrintStream stream = new PrintStream(new OutputStream() {
        @Override
        public void write(int b) {
            synchronized (lines) {
                if (b == '\n') {
                    lines.add(partial.toString(UTF_8));
                    partial.reset();
                    lines.notifyAll();
                } else {
                    partial.write(b);
                }
            }
        }
    }, true, UTF_8);

    /** @return the stream to give the sample */
    public PrintStream stream() {
        return stream;
    }

    /** @return the complete lines printed so far */
    public List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /**
     * Waits until some printed line matches.
     *
     * @param matches what to wait for
     * @param timeout how long at most
     * @return the first matching line
     * @throws TimeoutException     if none matched in time
     * @throws InterruptedException if interrupted while waiting
     */
    public String await(Predicate<String> matches, Duration timeout) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            while (true) {
                for (String line : lines) {
                    if (matches.test(line)) {
                        return line;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException("no matching line in " + lines);
                }
                lines.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    /**
     * Waits until at least {@code count} lines were printed.
     *
     * @param count   how many lines
     * @param timeout how long at most
     * @return the lines printed by then
     * @throws TimeoutException     if fewer were printed in time
     * @throws InterruptedException if interrupted while waiting
     */
    public List<String> awaitCount(int count, Duration timeout) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            while (lines.size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException("only " + lines.size() + " lines: " + lines);
                }
                lines.wait(Math.max(1, left / 1_000_000));
            }
            return List.copyOf(lines);
        }
    }
}
