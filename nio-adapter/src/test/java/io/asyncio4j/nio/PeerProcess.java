package io.asyncio4j.nio;

import org.junit.jupiter.api.Assumptions;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.fail;

/**
 * An outside program run as a test's peer (openssl, a Python script): its output, standard error included, read
 * line by line on a thread of its own so that every wait for it is bounded; a failure shows all it printed. Closing
 * it kills it.
 */
final class PeerProcess implements AutoCloseable {

    /** The script that installs the outside peers, named whenever one is missing. */
    static final String INSTALL_SCRIPT = "scripts/install-test-tools";
    /** Whether each tool asked for was found, asked once per JVM. */
    private static final Map<String, Boolean> INSTALLED = new ConcurrentHashMap<>();

    private final String name;
    private final Process process;
    private final BlockingQueue<String> unread = new LinkedBlockingQueue<>();
    private final List<String> output = Collections.synchronizedList(new ArrayList<>());

    private PeerProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        Thread reader = new Thread(this::readOutput, name + "-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code command}, its first word the program. */
    static PeerProcess start(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        return new PeerProcess(command[0], p);
    }

    /**
     * Checks that {@code tool} is installed by running {@code probe}, which must exit 0. If it is not, the test
     * fails on CI (the environment variable {@code CI} is {@code true}), where the install script should have run,
     * and is skipped elsewhere; both name the script.
     */
    static void requireTool(String tool, String... probe) {
        if (!INSTALLED.computeIfAbsent(tool, t -> runs(probe))) {
            String why = tool + " is not installed: run " + INSTALL_SCRIPT;
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(why);
            }
            Assumptions.abort(why);
        }
    }

    private static boolean runs(String... probe) {
        boolean present;
        try {
            Process p = new ProcessBuilder(probe).redirectErrorStream(true).start();
            p.getInputStream().transferTo(OutputStream.nullOutputStream());
            present = p.waitFor(LoopFixture.WAIT.toMillis(), TimeUnit.MILLISECONDS) && p.exitValue() == 0;
            p.destroyForcibly();
        } catch (IOException e) {
            present = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + probe[0], e);
        }
        return present;
    }

    private void readOutput() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), US_ASCII))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                output.add(line);
                unread.add(line);
            }
        } catch (IOException ended) {
            // the process was killed
        }
    }

    /** Its standard input. */
    OutputStream stdin() {
        return process.getOutputStream();
    }

    /** Waits for the next line of output that {@code wanted} accepts, skipping the others, and returns it. */
    String awaitLine(String what, Predicate<String> wanted) {
        long deadline = System.nanoTime() + LoopFixture.WAIT.toNanos();
        try {
            while (true) {
                String line = unread.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (line == null) {
                    throw new AssertionError(name + " printed no " + what + " within " + LoopFixture.WAIT
                            + "; its output:\n" + String.join("\n", output));
                }
                if (wanted.test(line)) {
                    return line;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + name, e);
        }
    }

    /** Waits for the line {@code line}, skipping the others. */
    void awaitLine(String line) {
        awaitLine('"' + line + '"', line::equals);
    }

    /** Waits for it to exit and returns its exit status. */
    int awaitExit() {
        try {
            if (!process.waitFor(LoopFixture.WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name + " did not exit within " + LoopFixture.WAIT + "; its output:\n"
                        + String.join("\n", output));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + name, e);
        }
        return process.exitValue();
    }

    /** Everything it has printed so far. */
    List<String> output() {
        synchronized (output) {
            return List.copyOf(output);
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(LoopFixture.WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }
}
