package io.asyncio4j.nio;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.ConnectionOptions;
import io.asyncio4j.combinators.AsyncTimer;
import org.junit.jupiter.api.Test;

import static io.asyncio4j.nio.LoopFixture.await;
import static io.asyncio4j.nio.HandoverConformance.REST;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hand-over step whose timing only an inline in-memory transport can pin down: the raw read in flight at the
 * switch completes after it, into the new layer. Everything happens on the test thread, inside each delivery; the
 * other hand-over behaviours are {@link HandoverConformance}'s, on every transport.
 */
class HandoverTest {

    @Test
    void theRawReadInFlightAtTheSwitchCompletesIntoTheNewLayer() {
        MemoryTransport transport = MemoryTransport.pair(64 * 1024, 64 * 1024, Runnable::run, true);
        StreamConnection c = new StreamConnection(transport, ConnectionOptions.defaults(), AsyncTimer.shared());
        c.start();
        byte[] line = "SWITCH\n".getBytes(US_ASCII);
        transport.deliver(line, 0, line.length);
        assertThat(new String(await(c.readLine(64)), US_ASCII)).isEqualTo("SWITCH");
        assertThat(transport.readPending()).as("a raw read in flight at the switch").isTrue();

        await(c.replaceTransport(XorLayer::new));
        AsyncFuture<byte[]> rest = c.readExactly(REST.length());
        byte[] encoded = XorLayer.encode(REST.getBytes(US_ASCII));
        transport.deliver(encoded, 0, 10);                        // completes the read issued before the switch
        assertThat(rest).isNotDone();
        transport.deliver(encoded, 10, encoded.length - 10);      // a read issued through the new layer
        assertThat(new String(await(rest), US_ASCII)).isEqualTo(REST);
        c.abort();
    }
}
