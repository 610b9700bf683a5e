package io.asyncio4j.samples;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The {@code ./asyncio4j} launcher, run by bash in a copy of the repository's layout, with {@code mvn} and
 * {@code java} replaced by scripts that behave like them (Maven 3.8 writes ANSI resets even in batch mode).
 */
class LauncherTest {

    private static final String ESC = "\u001b";

    @TempDir
    Path repo;

    private Path bin;

    @BeforeEach
    void layOutARepositoryWithAStaleJar() throws IOException {
        Path launcher = Path.of("").toAbsolutePath().getParent().resolve("asyncio4j");
        assertThat(launcher).as("the launcher beside the samples module").isRegularFile();
        Files.copy(launcher, repo.resolve("asyncio4j"));
        executable(repo.resolve("asyncio4j"));
        Files.createDirectories(repo.resolve("samples/src/main/java"));
        Files.writeString(repo.resolve("samples/src/main/java/A.java"), "class A {}");
        bin = Files.createDirectories(repo.resolve("bin"));
        script(bin.resolve("mvn"), """
                printf '\\033[0m\\033[0m'
                printf '\\033[0m\\033[0m' >&2
                if [ -n "${BREAK_BUILD:-}" ]; then
                  printf '\\033[1;31m[ERROR]\\033[m COMPILATION ERROR: A.java:[1,1] reached end of file\\n'
                  exit 1
                fi
                mkdir -p samples/target && : > samples/target/asyncio4j-samples.jar
                """);
        script(bin.resolve("java"), "echo \"java $*\"");
    }

    @Test
    void aBuildThatSucceedsPrintsOnePlainLine() throws Exception {
        Result r = launch(false, "echo-server", "--help");
        assertThat(r.status()).isZero();
        Path jar = repo.resolve("samples/target/asyncio4j-samples.jar");
        assertThat(r.err()).isEqualTo("building " + jar + " ...\n");
        assertThat(r.out()).isEqualTo("java -Dsun.nio.ch.disableSynchronousRead=true -jar " + jar
                + " echo-server --help\n");
    }

    @Test
    void aBuildThatFailsShowsMavensOutputAndItsStatus() throws Exception {
        Result r = launch(true, "echo-server");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.out()).as("java does not run").isEmpty();
        assertThat(r.err()).doesNotContain(ESC)
                .contains("asyncio4j: the build failed (mvn exit status 1):\n")
                .contains("[ERROR] COMPILATION ERROR: A.java:[1,1] reached end of file\n");
        try (var files = Files.list(repo)) {
            assertThat(files.map(p -> p.getFileName().toString())).as("the build log is removed (TMPDIR is the repo)")
                    .noneMatch(name -> name.startsWith("asyncio4j-build."));
        }
    }

    private record Result(int status, String out, String err) {
    }

    private Result launch(boolean breakBuild, String... args) throws IOException, InterruptedException {
        Path out = repo.resolve("stdout.txt");
        Path err = repo.resolve("stderr.txt");
        ProcessBuilder builder = new ProcessBuilder(concat(List.of("bash", repo.resolve("asyncio4j").toString()), args))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        builder.environment().put("TMPDIR", repo.toString());
        if (breakBuild) {
            builder.environment().put("BREAK_BUILD", "1");
        }
        Process process = builder.start();
        process.getOutputStream().close();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            fail("the launcher still ran after 60 s");
        }
        return new Result(process.exitValue(), Files.readString(out, UTF_8), Files.readString(err, UTF_8));
    }

    private static List<String> concat(List<String> head, String... tail) {
        return Stream.concat(head.stream(), Arrays.stream(tail)).toList();
    }

    private static void script(Path path, String body) throws IOException {
        Files.writeString(path, "#!/usr/bin/env bash\n" + body, UTF_8);
        executable(path);
    }

    private static void executable(Path path) throws IOException {
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
