package io.asyncio4j.it;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's snippets are the blocks the consumer projects under {@code src/it} are built with: each block between
 * {@code <!-- README: NAME -->} and {@code <!-- README: end -->} in a consumer's pom, with this build's version for
 * {@code @project.version@}, is one of the {@code xml} blocks of the README's "Use it in your project", in order.
 * The invoker run that follows this test then proves the blocks work.
 */
class ReadmeSnippetTest {

    private static final String SECTION = "## Use it in your project";
    private static final Pattern XML_BLOCK = Pattern.compile("```xml\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern MARKED = Pattern.compile(
            "\\n([ \\t]*)<!-- README: (\\w+) -->\\n(.*?)\\n[ \\t]*<!-- README: end -->", Pattern.DOTALL);

    @Test
    void readmeShowsTheDependenciesTheConsumerIsBuiltWith() throws IOException {
        assertThat(readmeBlocks()).element(0).isEqualTo(marked("consumer", "dependencies"));
    }

    @Test
    void readmeShowsTheBomImportTheBomConsumerIsBuiltWith() throws IOException {
        assertThat(readmeBlocks()).element(1).isEqualTo(marked("consumer-bom", "bom"));
    }

    @Test
    void readmeShowsNoOtherPomBlock() throws IOException {
        assertThat(readmeBlocks()).hasSize(2);
    }

    private static List<String> readmeBlocks() throws IOException {
        String readme = Files.readString(Path.of(System.getProperty("asyncio4j.readme")));
        int start = readme.indexOf("\n" + SECTION + "\n");
        assertThat(start).as("README section '%s'", SECTION).isNotNegative();
        int end = readme.indexOf("\n## ", start + 1);
        String section = readme.substring(start, end < 0 ? readme.length() : end);
        List<String> blocks = new ArrayList<>();
        Matcher m = XML_BLOCK.matcher(section);
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    /** The block marked {@code name} in the project's pom, unindented, with this build's version filled in. */
    private static String marked(String project, String name) throws IOException {
        Path pom = Path.of(System.getProperty("asyncio4j.it.projects"), project, "pom.xml");
        Matcher m = MARKED.matcher(Files.readString(pom));
        while (m.find()) {
            if (m.group(2).equals(name)) {
                String indent = m.group(1);
                StringBuilder block = new StringBuilder();
                for (String line : m.group(3).split("\n", -1)) {
                    assertThat(line).as("indentation in %s", pom).startsWith(indent);
                    block.append(line.substring(indent.length())).append('\n');
                }
                return block.toString().replace("@project.version@", System.getProperty("asyncio4j.version"));
            }
        }
        throw new AssertionError("no block marked " + name + " in " + pom);
    }
}
