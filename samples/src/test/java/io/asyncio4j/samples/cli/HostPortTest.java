package io.asyncio4j.samples.cli;

import io.asyncio4j.Server;
import io.asyncio4j.nio.EventLoop;
import io.asyncio4j.samples.PrintedLines;
import io.asyncio4j.samples.echo.EchoServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class HostPortTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "127.0.0.1                | 127.0.0.1",
        "::1                      | ::1",
        "::                       | ::",
        "0:0:0:0:0:0:0:1          | ::1",
        "2001:db8:0:0:0:0:2:1     | 2001:db8::2:1",
        "2001:db8:0:1:1:1:1:1     | 2001:db8:0:1:1:1:1:1",
        "2001:0:0:1:0:0:0:1       | 2001:0:0:1::1",
        "2001:db8:0:0:1:0:0:1     | 2001:db8::1:0:0:1",
        "2001:DB8:00AB:0:0:0:0:0  | 2001:db8:ab::",
        "1:0:0:0:0:0:0:0          | 1::",
        "fe80:0:0:0:0:0:0:1%1     | fe80::1%1",
    })
    void ipv6LiteralsAreWrittenInTheShortForm(String address, String literal) throws Exception {
        assertThat(HostPort.literal(InetAddress.getByName(address))).isEqualTo(literal);
    }

    @Test
    void ipv6AddressesAreBracketedBeforeThePort() throws Exception {
        assertThat(HostPort.of(new InetSocketAddress(InetAddress.getByName("::1"), 8080))).isEqualTo("[::1]:8080");
        assertThat(HostPort.of("::1", 8080)).isEqualTo("[::1]:8080");
        assertThat(HostPort.of(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 80)))
                .isEqualTo("127.0.0.1:80");
        assertThat(HostPort.of("localhost", 80)).isEqualTo("localhost:80");
    }

    @Test
    void anIpv6ListenerPrintsTheBracketedForm() throws Exception {
        assumeTrue(ipv6LoopbackWorks(), "this machine has no IPv6 loopback");
        Server server = EchoServer.start(EventLoop.defaultLoop(), "::1", 0, System.out);
        PrintedLines printed = new PrintedLines();
        CompletableFuture<Void> stop = new CompletableFuture<>();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(
                () -> ServerRunner.serve(printed.stream(), List.of(server), stop, null));
        try {
            assertThat(printed.await(line -> line.startsWith("listening on "), WAIT))
                    .isEqualTo("listening on [::1]:" + server.port());
        } finally {
            stop.complete(null);
        }
        assertThat(exit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isZero();
    }

    private static boolean ipv6LoopbackWorks() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
