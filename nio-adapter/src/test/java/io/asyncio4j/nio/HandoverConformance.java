package io.asyncio4j.nio;

import io.asyncio4j.AsyncFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.channels.ClosedChannelException;
import java.util.Arrays;

import static io.asyncio4j.nio.LoopFixture.await;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Handing a connection over to a new layer mid-stream (StartTLS, a protocol switch) with
 * {@link StreamConnection#replaceTransport}: the raw bytes already received and the raw read in flight reach the new
 * layer ({@link XorLayer}, a toy encoding) without loss or reordering; writes made before the switch leave
 * unencoded; a switch that cannot happen leaves the raw stream whole.
 */
abstract class HandoverConformance extends ConformanceFixture {

    static final String REST = "everything after the switch, encoded";

    HandoverConformance(TransportKit kit) {
        super(kit);
    }

    @BeforeEach
    void openConnection() throws Exception {
        open();
    }

    /** The line {@code SWITCH} and, right behind it, {@code rest} encoded by the new layer. */
    static byte[] switchThenEncoded(String rest) {
        byte[] line = "SWITCH\n".getBytes(US_ASCII);
        byte[] encoded = XorLayer.encode(rest.getBytes(US_ASCII));
        byte[] both = Arrays.copyOf(line, line.length + encoded.length);
        System.arraycopy(encoded, 0, both, line.length, encoded.length);
        return both;
    }

    @Test
    void bytesReceivedWithTheSwitchLineAreReadThroughTheNewLayer() throws Exception {
        byte[] both = switchThenEncoded(REST);
        sendAndWait(both, both.length);
        assertThat(text(await(conn.readLine(64)))).isEqualTo("SWITCH");
        assertThat(buffered()).as("raw bytes buffered at the switch").isEqualTo(REST.length());
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
    void theEndOfTheStreamAfterTheSwitchedBytesReachesTheNewLayer() throws Exception {
        send(switchThenEncoded("bye"));
        peer.shutdownOutput();
        assertThat(text(await(conn.readLine(64)))).isEqualTo("SWITCH");
        await(conn.replaceTransport(XorLayer::new));
        assertThat(text(await(conn.readToEnd(64)))).isEqualTo("bye");
    }

    @Test
    void writesMadeBeforeTheSwitchLeaveUnencodedAndLaterOnesThroughTheNewLayer() throws Exception {
        String before = "220 go ahead\n";
        conn.write(before, US_ASCII);
        await(conn.replaceTransport(XorLayer::new));
        await(conn.write("secret", US_ASCII));
        assertThat(text(peer.read(before.length()))).isEqualTo(before);
        assertThat(text(XorLayer.encode(peer.read("secret".length())))).isEqualTo("secret");
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
        byte[] both = switchThenEncoded(REST);
        sendAndWait(both, both.length);
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
                .cause().isInstanceOf(ClosedChannelException.class);
    }
}
