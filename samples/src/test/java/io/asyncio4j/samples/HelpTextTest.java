package io.asyncio4j.samples;

import io.asyncio4j.samples.cli.DurationConverter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@code asyncio4j COMMAND --help} tells a user who knows nothing of the programs yet. */
class HelpTextTest {

    private static List<CommandLine> commands() {
        CommandLine main = new CommandLine(new Main());
        List<CommandLine> all = new ArrayList<>(List.of(main));
        all.addAll(main.getSubcommands().values());
        return all;
    }

    @Test
    void noHelpNamesSeedsOrTheirExampleNumbers() {
        for (CommandLine command : commands()) {
            assertThat(command.getUsageMessage())
                    .as(command.getCommandSpec().qualifiedName())
                    .doesNotContainPattern("(?i)\\bseeds?\\b")
                    .doesNotContainPattern("\\bE\\d+");
        }
    }

    @Test
    void everyOptionGivesItsDefault() {
        for (CommandLine command : commands()) {
            for (OptionSpec option : command.getCommandSpec().options()) {
                if (option.usageHelp() || option.versionHelp()) {
                    continue;
                }
                assertThat(String.join(" ", option.description()))
                        .as(command.getCommandName() + " " + option.longestName())
                        .contains("(default: ");
            }
        }
    }

    @Test
    void everyDurationOptionTakesTheOneSyntaxThatItsHelpExplains() {
        for (CommandLine command : commands()) {
            CommandSpec spec = command.getCommandSpec();
            List<OptionSpec> durations = spec.options().stream().filter(o -> o.type() == Duration.class).toList();
            for (OptionSpec option : durations) {
                assertThat(option.paramLabel()).as(spec.qualifiedName() + " " + option.longestName())
                        .isEqualTo("DURATION");
                assertThat(option.converters()).as(spec.qualifiedName() + " " + option.longestName())
                        .hasSize(1)
                        .allMatch(c -> c instanceof DurationConverter || c instanceof DurationConverter.Positive);
            }
            if (!durations.isEmpty()) {
                assertThat(command.getUsageMessage()).as(spec.qualifiedName()).contains(DurationConverter.SYNTAX);
            }
        }
    }

    @Test
    void everyUsageLineStartsWithAsyncio4j() {
        for (CommandLine command : commands()) {
            assertThat(command.getUsageMessage()).startsWith("Usage: " + command.getCommandSpec().qualifiedName());
        }
    }
}
