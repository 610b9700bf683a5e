package io.asyncio4j.samples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ordinary mistakes of issue #20: each prints one line on stderr naming what was wrong and the address or path,
 * no stack trace, and exits 1 if the run failed or 2 if the command line is wrong (then with the usage line). The
 * first tests run {@code asyncio4j} in a child JVM, as a user would; the parameterized ones check every command
 * in this JVM.
 */
class CommandLineErrorsTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void noCommandPrintsTheUsageOnStderrAndExits2() throws Exception {
        CommandProcess.Result r = CommandProcess.run(WAIT);
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).first().asString().startsWith("Usage: asyncio4j ");
        assertThat(r.err()).anyMatch(line -> line.trim().startsWith("echo-server "));
    }

    @Test
    void portInUseIsOneLineNamingTheAddress() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            CommandProcess.Result r = CommandProcess.run(WAIT, "http-server", "--port", Integer.toString(port));
            assertThat(r.status()).isEqualTo(1);
            assertThat(r.out()).isEmpty();
            assertThat(r.err()).containsExactly("http-server: 127.0.0.1:" + port + " is already in use");
        }
    }

    @Test
    void missingRootIsOneLineNamingThePath(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("missing");
        CommandProcess.Result r = CommandProcess.run(WAIT, "http-server", "--port", "0", "--root", missing.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).containsExactly("http-server: --root " + missing + " does not exist");
    }

    @Test
    void rootThatIsAFileIsOneLineNamingThePath(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("index.html"), "<p>hi</p>");
        CommandProcess.Result r = CommandProcess.run(WAIT, "http-server", "--port", "0", "--root", file.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).containsExactly("http-server: --root " + file + " is not a directory");
    }

    @ParameterizedTest
    @ValueSource(strings = {"70000", "-1"})
    void portOutOfRangeIsAUsageError(String port) throws Exception {
        CommandProcess.Result r = CommandProcess.run(WAIT, "echo-server", "--port", port);
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).hasSize(2);
        assertThat(r.err().get(0))
                .isEqualTo("echo-server: invalid value for option '--port': " + port + " is not a port (a number from"
                        + " 0 to 65535)");
        assertThat(r.err().get(1)).startsWith("Usage: asyncio4j echo-server ");
    }

    @Test
    void unknownHostIsOneLineNamingIt() throws Exception {
        // .invalid never resolves (RFC 6761).
        CommandProcess.Result r = CommandProcess.run(WAIT, "echo-server", "--host", "no-such-host.invalid",
                "--port", "0");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).containsExactly("echo-server: cannot listen on no-such-host.invalid:0: unknown host");
    }

    @Test
    void addressOfAnotherMachineIsOneLineNamingIt() throws Exception {
        // 192.0.2.1 is reserved for documentation (RFC 5737), so it is no address of this machine.
        CommandProcess.Result r = CommandProcess.run(WAIT, "echo-server", "--host", "192.0.2.1", "--port", "0");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err())
                .containsExactly("echo-server: cannot listen on 192.0.2.1:0: not an address of this machine");
    }

    @Test
    void zeroConcurrencyIsAUsageErrorWithTheUsageOfAsyncio4jFetch() throws Exception {
        CommandProcess.Result r = CommandProcess.run(WAIT, "fetch", "--concurrency", "0", "http://127.0.0.1:9/");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).containsExactly("fetch: --concurrency must be 1 or more, not 0",
                "Usage: asyncio4j fetch [OPTIONS] URL... (asyncio4j fetch --help for more)");
    }

    @Test
    void durationWithoutAUnitIsAUsageError() throws Exception {
        CommandProcess.Result r = CommandProcess.run(WAIT, "ping-server", "--idle-timeout", "5");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).first().isEqualTo(
                "ping-server: invalid value for option '--idle-timeout': '5' has no unit (write 5ms, 5s, 5m or 5h)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"echo-server", "time-server", "clock-server", "chat-server", "ping-server", "http-server",
        "monitor"})
    void everyServerReportsAPortInUseInOneLine(String command) throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            Run r = runHere(command, "--port", Integer.toString(port));
            assertThat(r.status()).isEqualTo(1);
            assertThat(r.err()).containsExactly(command + ": 127.0.0.1:" + port + " is already in use");
        }
    }

    @Test
    void timeServerNamesThePortInUseAmongSeveral() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            Run r = runHere("time-server", "--port", "0," + port);
            assertThat(r.status()).isEqualTo(1);
            assertThat(r.err()).containsExactly("time-server: 127.0.0.1:" + port + " is already in use");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"echo-server", "echo-client", "time-server", "time-client", "clock-server", "chat-server",
        "ping-server", "ping-client", "http-server", "monitor"})
    void everyCommandChecksThePortRange(String command) {
        Run r = runHere(command, "--port", "65536");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).hasSize(2);
        // picocli names the label of a repeatable option (time-server's) after the option.
        assertThat(r.err().get(0)).matches(command + ": invalid value for option '--port'( \\(PORT\\))?: 65536 is"
                + " not a port \\(a number from 0 to 65535\\)");
        assertThat(r.err().get(1)).startsWith("Usage: asyncio4j " + command + " ");
    }

    /** What a command line run in this JVM printed through picocli, and its exit status. */
    private record Run(int status, List<String> err) {
    }

    private static Run runHere(String... args) {
        StringWriter err = new StringWriter();
        int status = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err), args);
        return new Run(status, err.toString().lines().toList());
    }
}
