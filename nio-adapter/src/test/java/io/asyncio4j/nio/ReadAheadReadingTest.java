package io.asyncio4j.nio;

import io.asyncio4j.ConnectionOptions;
import org.junit.jupiter.api.Test;

import static io.asyncio4j.nio.LoopFixture.await;
import static io.asyncio4j.nio.LoopFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ReadingConformance} on a layer that keeps its own raw read in flight over a NIO.2 socket, and a check that
 * the layer does read on while the connection reads nothing: the case the kit is there for.
 */
class ReadAheadReadingTest extends ReadingConformance {
    ReadAheadReadingTest() {
        super(new ReadAheadKit());
    }

    @Test
    void bytesTheLayerReadWhileTheConnectionHadStoppedReadingArriveInOrder() throws Exception {
        StreamConnection c = open(ConnectionOptions.defaults().withReadHighWatermark(1));
        ReadAheadTransport layer = ((ReadAheadKit) kit()).layerOf(c);
        StringBuilder sent = new StringBuilder("segment 0;");
        send(sent.toString());
        eventually("the connection stopped reading at its high watermark", () -> c.bufferedInputBytes() > 0);
        long taken = c.bufferedInputBytes();
        for (int i = 1; i < 20; i++) {
            String segment = "segment " + i + ";";
            sent.append(segment);
            send(segment);
        }
        eventually("the layer read the rest though the connection asked for nothing",
                () -> layer.aheadBytes() + taken == sent.length());
        assertThat(c.bufferedInputBytes()).as("what the connection read").isEqualTo(taken);
        assertThat(text(await(c.readExactly(sent.length())))).isEqualTo(sent.toString());
    }
}
