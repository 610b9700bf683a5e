package io.asyncio4j.samples.cli;

import io.asyncio4j.samples.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code --host} and {@code --port} mixins: each command's own default port, and the user's values. */
class AddressOptionsTest {

    @Command(name = "server")
    static final class AServer {
        @Mixin
        ListenOptions listen = new ListenOptions(1234);
    }

    @Command(name = "client")
    static final class AClient {
        @Mixin
        ConnectOptions server = new ConnectOptions(4321);
    }

    @Test
    void withoutOptionsAServerListensOnLoopbackAndItsOwnPort() {
        AServer command = CommandLine.populateCommand(new AServer());

        assertThat(command.listen.host()).isEqualTo("127.0.0.1");
        assertThat(command.listen.port()).isEqualTo(1234);
    }

    @Test
    void hostAndPortOptionsReplaceAClientsDefaults() {
        AClient command = CommandLine.populateCommand(new AClient(), "--host", "::1", "--port", "0");

        assertThat(command.server.host()).isEqualTo("::1");
        assertThat(command.server.port()).isZero();
        assertThat(command.server).hasToString("::1:0");
    }

    @Test
    void aPortAbove65535IsAUsageError() {
        assertThatThrownBy(() -> CommandLine.populateCommand(new AServer(), "--port", "65536"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("65536 is not a port");
    }

    @ParameterizedTest
    @CsvSource({
        "echo-server, 8080", "echo-client, 8080", "time-client, 8888", "clock-server, 8889", "chat-server, 8890",
        "ping-server, 10001", "ping-client, 10001", "http-server, 8080", "monitor, 10000",
    })
    void everyCommandsHelpShowsItsOwnDefaultPort(String name, int port) {
        CommandLine command = new CommandLine(new Main()).getSubcommands().get(name);
        String help = command.getUsageMessage().replaceAll("\\s+", " ");

        assertThat(help).containsPattern("--port=PORT [^(]*\\(default: " + port + "\\)");
    }
}
