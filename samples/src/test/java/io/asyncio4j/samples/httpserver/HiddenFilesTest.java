package io.asyncio4j.samples.httpserver;

import io.asyncio4j.nio.EventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;

import static io.asyncio4j.samples.httpserver.StaticFileServerTest.NOW;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hidden files (a name starting with a dot) against a running {@link StaticFileServer}: by default each answers
 * exactly what a missing file answers, whatever name or encoding reaches it, and listings leave them out; with
 * {@link StaticFileServer.Settings#withHiddenFiles(boolean) withHiddenFiles(true)} they are served and listed.
 */
class HiddenFilesTest {

    static final String SECRET = "TOP SECRET\n";

    @TempDir
    Path root;
    StaticFileServer server;

    @BeforeEach
    void files() throws IOException {
        Files.writeString(root.resolve("hello.txt"), "Hello, file!\n");
        Files.writeString(root.resolve(".env"), SECRET);
        Files.createDirectories(root.resolve(".git"));
        Files.writeString(root.resolve(".git/config"), SECRET);
        Files.writeString(root.resolve(".git/HEAD"), SECRET);
        Files.createDirectories(root.resolve("docs/.drafts"));
        Files.writeString(root.resolve("docs/.secret.txt"), SECRET);
        Files.writeString(root.resolve("docs/.drafts/plan.txt"), SECRET);
        Files.writeString(root.resolve("docs/visible.txt"), "visible\n");
        Files.createSymbolicLink(root.resolve("env-link.txt"), root.resolve(".env"));
        Files.createSymbolicLink(root.resolve("git-link"), root.resolve(".git"));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.closeGracefully(Duration.ofSeconds(2)).join();
        }
    }

    void start(boolean hiddenFiles) {
        server = StaticFileServer.start(EventLoop.defaultLoop(), "127.0.0.1", 0, root,
                StaticFileServer.Settings.defaults().withClock(Clock.fixed(NOW, ZoneOffset.UTC))
                        .withHiddenFiles(hiddenFiles));
    }

    String get(String method, String target) throws IOException {
        try (RawClient c = new RawClient(server.server().port())) {
            c.send(method + " " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            return c.readToEnd();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/.env", "/.git/config", "/.git/HEAD", "/.git/", "/.git", "/%2egit/config", "/%2Eenv", "/./.env",
        "//.env", "/.env?x=1", "http://x/.env", "/docs/.secret.txt", "/docs/.drafts/plan.txt", "/docs/.drafts/",
        "/env-link.txt", "/git-link/config", "/git-link/",
    })
    void aHiddenFileAnswersWhatAMissingFileAnswers(String target) throws IOException {
        start(false);
        String missing = get("GET", "/no-such-file");
        assertThat(missing).startsWith("HTTP/1.1 404 Not Found\r\n");
        assertThat(get("GET", target)).isEqualTo(missing);
        assertThat(get("HEAD", target)).isEqualTo(get("HEAD", "/no-such-file"));
    }

    @Test
    void listingsLeaveHiddenEntriesOut() throws IOException {
        start(false);
        assertThat(get("GET", "/")).startsWith("HTTP/1.1 200 OK\r\n").contains("hello.txt", "docs/")
                .doesNotContain(".env", ".git");
        assertThat(get("GET", "/docs/")).contains("visible.txt").doesNotContain(".secret", ".drafts");
    }

    @Test
    void withHiddenFilesServedTheyAreServedAndListed() throws IOException {
        start(true);
        assertThat(get("GET", "/.env")).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\n" + SECRET);
        assertThat(get("GET", "/%2egit/config")).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\n" + SECRET);
        assertThat(get("GET", "/env-link.txt")).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\n" + SECRET);
        assertThat(get("GET", "/")).contains("<a href=\".env\">.env</a>", "<a href=\".git/\">.git/</a>");
        assertThat(get("GET", "/docs/")).contains(".secret.txt", ".drafts/");
    }

    @Test
    void theHiddenOptionIsOffUnlessGivenAndItsHelpSaysSo() {
        HttpServerCommand command = new HttpServerCommand();
        CommandLine cli = new CommandLine(command);
        cli.parseArgs();
        assertThat(command.hidden).isFalse();
        cli.parseArgs("--hidden");
        assertThat(command.hidden).isTrue();
        assertThat(cli.getUsageMessage().replaceAll("\\s+", " ")).contains("--hidden Serve and list hidden files")
                .contains("(default: false)");
    }
}
