package io.asyncio4j.samples.httpserver;

import io.asyncio4j.nio.EventLoop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class LargeFileStreamingTest {

    static final long SIZE = 100L * 1024 * 1024;
    static final long CAP = 256 * 1024;

    @TempDir
    Path root;

    /** The byte at {@code position}: a pattern that catches lost, repeated or reordered chunks. */
    static byte patternAt(long position) {
        return (byte) ((position % 251) ^ (position >>> 16));
    }

    /** The first {@code length} bytes of the pattern, for a file to serve. */
    static byte[] pattern(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = patternAt(i);
        }
        return bytes;
    }

    @Test
    void a100MiBFileIsStreamedCompletelyWithQueuedOutputUnderTheCap() throws IOException {
        Path file = root.resolve("big.bin");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer block = ByteBuffer.allocate(1024 * 1024);
            for (long position = 0; position < SIZE; ) {
                block.clear();
                for (int i = 0; i < block.capacity(); i++) {
                    block.put(patternAt(position + i));
                }
                block.flip();
                position += ch.write(block, position);
            }
        }
        StaticFileServer server = StaticFileServer.start(EventLoop.defaultLoop(), "127.0.0.1", 0, root,
                StaticFileServer.Settings.defaults().withBuffers(64 * 1024, 64 * 1024, CAP));
        try (RawClient c = new RawClient(server.server().port())) {
            c.send("GET /big.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            String head = c.readHead();
            assertThat(head).startsWith("HTTP/1.1 200 OK\r\n")
                    .contains("\r\nContent-Type: application/octet-stream\r\n")
                    .contains("\r\nContent-Length: " + SIZE + "\r\n");
            long position = 0;
            long mismatches = 0;
            byte[] buf = new byte[64 * 1024];
            InputStream in = c.in;
            for (int n; (n = in.read(buf)) >= 0; ) {
                for (int i = 0; i < n; i++) {
                    if (buf[i] != patternAt(position + i)) {
                        mismatches++;
                    }
                }
                position += n;
            }
            assertThat(position).isEqualTo(SIZE);
            assertThat(mismatches).isZero();
            assertThat(server.maxQueuedOutputBytes()).isPositive().isLessThanOrEqualTo(CAP);
        } finally {
            server.server().closeGracefully(Duration.ofSeconds(2)).join();
        }
    }
}
