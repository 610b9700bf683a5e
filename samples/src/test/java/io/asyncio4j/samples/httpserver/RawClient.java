package io.asyncio4j.samples.httpserver;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

/** A plain blocking socket for byte-for-byte exchanges with a server under test (timeouts are a safety net). */
final class RawClient implements AutoCloseable {

    final Socket socket;
    final InputStream in;

    RawClient(int port) throws IOException {
        this(port, 0);
    }

    /**
     * Connects with a receive buffer of {@code receiveBuffer} bytes (0 for the default). It is set before
     * connecting: shrinking it on an established connection makes Linux drop segments already in the advertised
     * window, and the server's retransmissions back off for tens of seconds.
     */
    RawClient(int port, int receiveBuffer) throws IOException {
        socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port));
        socket.setSoTimeout(20_000);
        in = socket.getInputStream();
    }

    RawClient send(String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(ISO_8859_1));
        socket.getOutputStream().flush();
        return this;
    }

    /** Reads exactly as many bytes as {@code expected} has, as text. */
    String readExactly(int n) throws IOException {
        return new String(in.readNBytes(n), ISO_8859_1);
    }

    /** Reads until the server closes. */
    String readToEnd() throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        for (int n; (n = in.read(buf)) >= 0; ) {
            all.write(buf, 0, n);
        }
        return all.toString(ISO_8859_1);
    }

    /** Reads a response head, up to and including its blank line. */
    String readHead() throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed inside a head: " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
