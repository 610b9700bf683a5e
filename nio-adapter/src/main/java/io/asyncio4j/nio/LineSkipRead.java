package io.asyncio4j.nio;

import java.nio.ByteBuffer;

/**
 * {@code skipLine()}: drops bytes through the next LF, however long the line. It drops what is buffered as it goes
 * rather than holding the line, so it needs no limit; a give-up therefore leaves dropped what it had dropped before
 * the LF arrived (only the last piece, through the LF, is put back).
 */
final class LineSkipRead extends PendingRead<Long> {

    private static final byte[] LF = {'\n'};

    /** Bytes dropped by earlier claims that found no LF. */
    private long dropped;

    @Override
    boolean claim(InboundBuffer in, boolean eof, Throwable streamFailure) {
        long size = in.size();
        long at = in.indexOf(LF, 0, size);
        if (at >= 0) {
            byte[] through = in.take((int) at + 1);
            return succeed(dropped + through.length, ByteBuffer.wrap(through));
        }
        in.discard(size);
        dropped += size;
        if (streamFailure != null) {
            return fail(streamFailure, null);
        }
        return eof && succeed(dropped, null);
    }
}
