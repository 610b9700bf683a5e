package io.asyncio4j.nio;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

/** White-box: what {@link InboundBuffer#front} promises the frame reads. */
class InboundBufferMergeTest {

    private static String text(ByteBuffer b) {
        return US_ASCII.decode(b).toString();
    }

    /** The merge buffer takes later arrivals in its spare capacity: a frame growing by arrivals is not copied again. */
    @Test
    void theMergeBufferTakesLaterArrivalsInItsSpareCapacity() {
        InboundBuffer in = new InboundBuffer();
        in.append(ByteBuffer.wrap("ab".getBytes(US_ASCII)));
        in.append(ByteBuffer.wrap("cd".getBytes(US_ASCII)));
        ByteBuffer merged = in.front(4, 100);
        assertThat(text(merged.duplicate())).isEqualTo("abcd");
        in.append(ByteBuffer.wrap("ef".getBytes(US_ASCII)));
        ByteBuffer again = in.front(6, 100);
        assertThat(again).as("appended, not copied again").isSameAs(merged);
        assertThat(text(again.duplicate())).isEqualTo("abcdef");
        ByteBuffer taken = in.takeUpTo(3);
        assertThat(text(taken.duplicate())).isEqualTo("abc");
        in.append(ByteBuffer.wrap("gh".getBytes(US_ASCII)));
        assertThat(text(in.front(5, 100).duplicate())).isEqualTo("defgh");
        assertThat(text(taken.duplicate())).as("bytes taken earlier are left alone").isEqualTo("abc");
        assertThat(in.size()).isEqualTo(5);
        assertThat(text(ByteBuffer.wrap(in.take(5)))).isEqualTo("defgh");
    }
}
