package io.asyncio4j.samples;

import io.asyncio4j.Server;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ReadmeEchoTest {

    @Test
    void readmeClientGetsItsMessageBackFromTheReadmeServer() throws Exception {
        Server server = ReadmeEcho.startServer("127.0.0.1", 0);
        try {
            String reply = ReadmeEcho.echoOnce("127.0.0.1", server.port(), "hello, asyncio4j\n")
                    .get(30, TimeUnit.SECONDS);
            assertThat(reply).isEqualTo("hello, asyncio4j\n");
        } finally {
            server.close();
        }
    }

    @Test
    void readmeServerEchoesAMegabyte() throws Exception {
        Server server = ReadmeEcho.startServer("127.0.0.1", 0);
        try {
            String big = "x".repeat((1 << 20) - 1);
            String reply = ReadmeEcho.echoOnce("127.0.0.1", server.port(), big).get(30, TimeUnit.SECONDS);
            assertThat(reply).isEqualTo(big);
        } finally {
            server.close();
        }
    }
}
