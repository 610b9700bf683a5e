package io.asyncio4j.nio;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.ConnectionOptions;
import io.asyncio4j.combinators.AsyncTimer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;

import static io.asyncio4j.nio.LoopFixture.await;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Handing a connection over to a new layer mid-stream (StartTLS, a protocol switch): the raw bytes already received,
 * and the raw read in flight, reach the new layer ({@link XorLayer}, a toy encoding) without loss or reordering;
 * writes made before the switch leave unencoded.
 */
class HandoverTest extends AcceptedConnectionFixture {

    private static final String REST = "everything after the switch, encoded";

    HandoverTest() {
        super(true);
    }

    private static byte[] switchThenEncoded(String rest) {
        byte[] line = "SWITCH\n".getBytes(US_ASCII);
        byte[] encoded = XorLayer.encode(rest.getBytes(US_ASCII));
        byte[] both = new byte[line.length + encoded.length];
        System.arraycopy(line, 0, both, 0, line.length);
        System.arraycopy(encoded, 0, both, line.length, encoded.length);
        return both;
    }

    private static String text(byte[] b) {
        return new String(b, US_ASCII);
    }

    @Test
    void bytesSentInTheSameWriteAsTheSwitchLineAreReadThroughTheNewLayer() throws Exception {
        send(switchThenEncoded(REST));
        assertThat(text(await(conn.readLine(64)))).isEqualTo("SWITCH");
        await(conn.replaceTransport(XorLayer::new));
        assertThat(text(await(conn.readExactly(REST.length())))).isEqualTo(REST);
    }

    @Test
    void bytesArrivingAfterTheSwitchAreReadThroughTheNewLayer() throws Exception {
        send("SWITCH\n");
        assertThat(text(await(conn.readLine(64)))).isEqualTo("SWITCH");
        await(conn.replaceTransport(XorLayer::new));
        send(XorLayer.encode(REST.getBytes(US_ASCII)));
        assertThat(text(await(conn.readExactly(REST.length())))).isEqualTo(REST);
    }

    @Test
    void theRawReadInFlightAtTheSwitchCompletesIntoTheNewLayer() {
        MemoryTransport transport = new MemoryTransport();
        StreamConnection c = new StreamConnection(transport, ConnectionOptions.defaults(), AsyncTimer.shared());
        c.start();
        byte[] line = "SWITCH\n".getBytes(US_ASCII);
        transport.deliver(line, 0, line.length);
        assertThat(text(await(c.readLine(64)))).isEqualTo("SWITCH");
        assertThat(transport.readPending()).as("a raw read in flight at the switch").isTrue();

        await(c.replaceTransport(XorLayer::new));
        AsyncFuture<byte[]> rest = c.readExactly(REST.length());
        byte[] encoded = XorLayer.encode(REST.getBytes(US_ASCII));
        transport.deliver(encoded, 0, 10);                        // completes the read issued before the switch
        transport.deliver(encoded, 10, encoded.length - 10);      // a read issued through the new layer
        assertThat(text(await(rest))).isEqualTo(REST);
    }

    @Test
    void theEndOfTheStreamAfterTheSwitchedBytesReachesTheNewLayer() throws Exception {
        send(switchThenEncoded("bye"));
        peer.shutdownOutput();
        assertThat(text(await(conn.readLine(64)))).isEqualTo("SWITCH");
        await(conn.replaceTransport(XorLayer::new));
        assertThat(text(await(conn.readToEnd(64)))).isEqualTo("bye");
    }

    @Test
    void writesMadeBeforeTheSwitchLeaveUnencodedAndLaterOnesThroughTheNewLayer() throws Exception {
        conn.write("220 go ahead\n", US_ASCII);
        await(conn.replaceTransport(XorLayer::new));
        await(conn.write("secret", US_ASCII));
        InputStream in = peer.getInputStream();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        while (got.size() < "220 go ahead\n".length() + "secret".length()) {
            got.write(in.read());
        }
        byte[] all = got.toByteArray();
        assertThat(text(java.util.Arrays.copyOf(all, 13))).isEqualTo("220 go ahead\n");
        assertThat(text(XorLayer.encode(java.util.Arrays.copyOfRange(all, 13, all.length)))).isEqualTo("secret");
    }

    @Test
    void aSwitchWhileAReadIsPendingIsRefusedAndTheReadGoesOn() throws Exception {
        AsyncFuture<byte[]> pending = conn.readLine(64);
        assertThatThrownBy(() -> await(conn.replaceTransport(XorLayer::new)))
                .cause().isInstanceOf(IllegalStateException.class);
        send("still raw\n");
        assertThat(text(await(pending))).isEqualTo("still raw");
    }

    @Test
    void aLayerThatFailsLeavesTheRawStreamWhole() throws Exception {
        send(switchThenEncoded(REST));
        assertThat(text(await(conn.readLine(64)))).isEqualTo("SWITCH");
        assertThatThrownBy(() -> await(conn.replaceTransport(lower -> {
            throw new IllegalArgumentException("no such protocol");
        }))).cause().isInstanceOf(IllegalArgumentException.class);
        byte[] raw = await(conn.readExactly(REST.length()));
        assertThat(text(XorLayer.encode(raw))).isEqualTo(REST);
    }

    @Test
    void aSwitchOnAClosedConnectionFails() {
        await(conn.close());
        assertThatThrownBy(() -> await(conn.replaceTransport(XorLayer::new)))
                .cause().isInstanceOf(java.nio.channels.ClosedChannelException.class);
    }
}
