package io.asyncio4j.nio;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;

/** The read size follows the traffic between its bounds, and the read buffer is reused while the size holds. */
class ReadSizerTest {

    private static int readAndRecord(ReadSizer sizer, int fill) {
        ByteBuffer b = sizer.nextBuffer();
        int n = Math.min(fill, b.capacity());
        b.position(n);
        b.flip();
        b.position(b.limit());  // the caller took the bytes
        sizer.recycle(b, n);
        return b.capacity();
    }

    @Test
    void readsThatFillTheBufferDoubleTheSizeUpToTheMaximum() {
        ReadSizer sizer = new ReadSizer();
        assertThat(sizer.size()).isEqualTo(ReadSizer.INITIAL);
        for (int i = 0; i < 20; i++) {
            readAndRecord(sizer, Integer.MAX_VALUE);
        }
        assertThat(sizer.size()).isEqualTo(ReadSizer.MAX);
    }

    @Test
    void twoReadsUsingLessThanAQuarterHalveTheSizeDownToTheMinimum() {
        ReadSizer sizer = new ReadSizer();
        readAndRecord(sizer, 1);
        assertThat(sizer.size()).as("one small read").isEqualTo(ReadSizer.INITIAL);
        readAndRecord(sizer, 1);
        assertThat(sizer.size()).isEqualTo(ReadSizer.INITIAL / 2);
        for (int i = 0; i < 20; i++) {
            readAndRecord(sizer, 1);
        }
        assertThat(sizer.size()).isEqualTo(ReadSizer.MIN);
    }

    @Test
    void theBufferIsReusedWhileTheSizeHolds() {
        ReadSizer sizer = new ReadSizer();
        ByteBuffer first = sizer.nextBuffer();
        first.put((byte) 1).flip().position(1);
        sizer.recycle(first, 1);
        ByteBuffer second = sizer.nextBuffer();
        assertThat(second).isSameAs(first);
        assertThat(second.position()).isZero();
        assertThat(second.remaining()).isEqualTo(second.capacity());
        assertThat(second.isDirect()).isTrue();
    }
}
