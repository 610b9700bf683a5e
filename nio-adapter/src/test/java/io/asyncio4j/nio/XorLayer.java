package io.asyncio4j.nio;

import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;

/**
 * A toy encoding layer for hand-over tests: every byte is XORed with {@link #KEY} on its way in and out, so bytes
 * read through the wrong layer come out garbled.
 */
final class XorLayer extends ForwardingTransport {

    static final byte KEY = 0x5a;

    XorLayer(ByteTransport lower) {
        super(lower);
    }

    static byte[] encode(byte[] plain) {
        byte[] out = plain.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] ^= KEY;
        }
        return out;
    }

    @Override
    public <A> void read(ByteBuffer dst, A attachment, CompletionHandler<Integer, ? super A> handler) {
        int start = dst.position();
        lower.read(dst, attachment, new CompletionHandler<Integer, A>() {
            @Override
            public void completed(Integer n, A a) {
                for (int i = start; i < start + Math.max(0, n); i++) {
                    dst.put(i, (byte) (dst.get(i) ^ KEY));
                }
                handler.completed(n, a);
            }

            @Override
            public void failed(Throwable e, A a) {
                handler.failed(e, a);
            }
        });
    }

    @Override
    public <A> void write(ByteBuffer src, A attachment, CompletionHandler<Integer, ? super A> handler) {
        write(new ByteBuffer[] {src}, 0, 1, attachment, new CompletionHandler<Long, A>() {
            @Override
            public void completed(Long n, A a) {
                handler.completed(n.intValue(), a);
            }

            @Override
            public void failed(Throwable e, A a) {
                handler.failed(e, a);
            }
        });
    }

    @Override
    public <A> void write(ByteBuffer[] srcs, int offset, int length, A attachment,
                          CompletionHandler<Long, ? super A> handler) {
        int total = 0;
        for (int i = offset; i < offset + length; i++) {
            total += srcs[i].remaining();
        }
        ByteBuffer encoded = ByteBuffer.allocate(total);
        for (int i = offset; i < offset + length; i++) {
            ByteBuffer s = srcs[i];
            for (int p = s.position(); p < s.limit(); p++) {
                encoded.put((byte) (s.get(p) ^ KEY));
            }
        }
        encoded.flip();
        lower.write(encoded, attachment, new CompletionHandler<Integer, A>() {
            @Override
            public void completed(Integer n, A a) {
                int left = n;
                for (int i = offset; i < offset + length && left > 0; i++) {
                    int k = Math.min(left, srcs[i].remaining());
                    srcs[i].position(srcs[i].position() + k);
                    left -= k;
                }
                handler.completed((long) n, a);
            }

            @Override
            public void failed(Throwable e, A a) {
                handler.failed(e, a);
            }
        });
    }
}
