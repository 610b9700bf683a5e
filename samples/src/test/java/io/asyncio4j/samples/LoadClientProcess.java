package io.asyncio4j.samples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.fail;

/**
 * A {@link LoadClientMain} in a child JVM (this JVM's {@code java} and class path), seen from the test: its
 * standard output and error, merged, are read by a thread of their own from the start (the child can never block
 * on a full pipe), and every wait on it is bounded by one deadline set at start. {@link #close()} kills the child
 * if it is still running, and returns once it has exited and its pipes and reader thread are gone; use it in a
 * try-with-resources so no child outlives the test.
 */
final class LoadClientProcess implements AutoCloseable {

    private final Process process;
    private final String description;
    private final long deadline;
    private final Duration timeout;
    private final Thread reader;
    private final Object lock = new Object();
    /** Every line the child printed so far; guarded by {@link #lock}. */
    private final List<String> lines = new ArrayList<>();
    /** Whether the child's output ended (or could not be read any more); guarded by {@link #lock}. */
    private boolean ended;

    private LoadClientProcess(Process process, String description, Duration timeout) {
        this.process = process;
        this.description = description;
        this.timeout = timeout;
        this.deadline = System.nanoTime() + timeout.toNanos();
        this.reader = new Thread(this::readOutput, "load-client-output");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code LoadClientMain PORT CONNECTIONS MODE SEED} in a new JVM.
     *
     * @param port        the server's port on 127.0.0.1
     * @param connections how many connections the child holds open at once
     * @param mode        what it sends
     * @param seed        the seed of its random messages
     * @param timeout     how long the child may take in all, from now, before the waits fail
     * @return the running child
     * @throws IOException if the JVM cannot be started
     */
    static LoadClientProcess start(int port, int connections, LoadClientMain.Mode mode, long seed, Duration timeout)
            throws IOException {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                LoadClientMain.class.getName(), Integer.toString(port), Integer.toString(connections),
                mode.argument(), Long.toString(seed));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        return new LoadClientProcess(process, "load client " + mode.argument() + " (pid " + process.pid() + ")",
                timeout);
    }

    private void readOutput() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.ISO_8859_1))) {
            for (String line; (line = in.readLine()) != null; ) {
                synchronized (lock) {
                    lines.add(line);
                    lock.notifyAll();
                }
            }
        } catch (IOException e) {
            synchronized (lock) {
                lines.add("[reading the output failed: " + e + "]");
            }
        } finally {
            synchronized (lock) {
                ended = true;
                lock.notifyAll();
            }
        }
    }

    /**
     * Waits until the child prints a line starting with {@code prefix}.
     *
     * @param prefix the start of the line
     * @return the line
     * @throws InterruptedException if interrupted while waiting
     * @throws AssertionError       with the child's output if its output ends first or the deadline passes
     */
    String awaitLine(String prefix) throws InterruptedException {
        synchronized (lock) {
            for (int seen = 0; ; ) {
                for (; seen < lines.size(); seen++) {
                    if (lines.get(seen).startsWith(prefix)) {
                        return lines.get(seen);
                    }
                }
                if (ended) {
                    fail(description + " ended its output (exit status " + exitStatus() + ") without printing \""
                            + prefix + "\":\n" + output());
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    fail(description + " did not print \"" + prefix + "\" within " + timeout + ":\n" + output());
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
        }
    }

    /**
     * Writes one line to the child's standard input.
     *
     * @param line the line, without its end
     * @throws AssertionError with the child's output if it cannot be written (the child is gone)
     */
    void send(String line) {
        try {
            OutputStream in = process.getOutputStream();
            in.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
            in.flush();
        } catch (IOException e) {
            fail(description + " could not be sent \"" + line + "\" (" + e + "):\n" + output());
        }
    }

    /**
     * Waits for the child to exit and for the end of its output, then checks it succeeded.
     *
     * @param prefix how its last line must start on success
     * @return that last line
     * @throws InterruptedException if interrupted while waiting
     * @throws AssertionError       with the child's output if it exits with a status other than 0, prints another
     *                              last line, or runs past the deadline
     */
    String awaitSuccess(String prefix) throws InterruptedException {
        if (!process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            fail(description + " still running after " + timeout + ":\n" + output());
        }
        synchronized (lock) {
            // The child has exited; its pipe ends as soon as the reader has taken the last bytes.
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!ended) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    fail(description + " exited but its output did not end:\n" + output());
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
            if (process.exitValue() != 0 || !last.startsWith(prefix)) {
                fail(description + " failed with exit status " + process.exitValue() + ":\n" + output());
            }
            return last;
        }
    }

    /** @return everything the child printed so far, one line after another */
    String output() {
        synchronized (lock) {
            return String.join("\n", lines);
        }
    }

    private String exitStatus() {
        return process.isAlive() ? "none yet" : Integer.toString(process.exitValue());
    }

    /**
     * Kills the child if it still runs (forcibly), waits for it to exit, closes its pipes and waits for the
     * reader thread to end, each wait bounded.
     *
     * @throws InterruptedException if interrupted while waiting
     * @throws AssertionError       if the child or the reader thread does not end within 10 seconds
     */
    @Override
    public void close() throws InterruptedException {
        try {
            process.destroyForcibly();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                fail(description + " did not exit within 10 s of being killed");
            }
        } finally {
            closeQuietly(process.getOutputStream());
            reader.join(TimeUnit.SECONDS.toMillis(10));
            closeQuietly(process.getInputStream());
        }
        if (reader.isAlive()) {
            fail(description + ": the thread reading its output did not end");
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // Closing a pipe of a dead process; nothing to report.
        }
    }
}
