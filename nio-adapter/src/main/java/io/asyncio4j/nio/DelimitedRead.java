package io.asyncio4j.nio;

import io.asyncio4j.IncompleteReadException;
import io.asyncio4j.LimitOverrunException;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/** {@code readUntil(delimiter, limit)}, and {@code readLine(limit)}: the same search, a different end. */
final class DelimitedRead extends PendingRead<byte[]> {

    private static final byte[] LF = {'\n'};

    private final byte[] delimiter;
    private final int limit;
    /** A line read: the terminator is stripped, and the end of the stream ends the last line. */
    private final boolean line;
    /** Where the next search starts: the buffer's front does not move while this read waits. */
    private long scanned;

    private DelimitedRead(byte[] delimiter, int limit, boolean line) {
        this.delimiter = delimiter;
        this.limit = limit;
        this.line = line;
    }

    /** {@code readUntil}: the record with its delimiter (copied here), or an incomplete read at the end. */
    static DelimitedRead until(byte[] delimiter, int limit) {
        Objects.requireNonNull(delimiter, "delimiter");
        if (delimiter.length == 0) {
            throw new IllegalArgumentException("delimiter must not be empty");
        }
        if (limit < delimiter.length) {
            throw new IllegalArgumentException("limit (" + limit + ") is shorter than the delimiter ("
                    + delimiter.length + " bytes)");
        }
        return new DelimitedRead(delimiter.clone(), limit, false);
    }

    /** {@code readLine}: the line without LF or CRLF; at the end, the last line unterminated, then {@code null}. */
    static DelimitedRead line(int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        return new DelimitedRead(LF, limit, true);
    }

    @Override
    boolean claim(InboundBuffer in, boolean eof, Throwable streamFailure) {
        long size = in.size();
        long at = in.indexOf(delimiter, scanned, size);
        if (at >= 0) {
            long end = at + delimiter.length;
            if (end > limit) {
                return fail(new LimitOverrunException("delimiter found " + end + " bytes in, beyond the limit of "
                        + limit, end, limit), null);
            }
            byte[] record = in.take((int) end);
            return succeed(line ? stripLineEnd(record) : record, ByteBuffer.wrap(record));
        }
        if (size >= limit) {
            return fail(new LimitOverrunException("no delimiter within the limit of " + limit + " bytes",
                    size, limit), null);
        }
        scanned = Math.max(0, size - delimiter.length + 1);
        if (streamFailure != null) {
            return fail(streamFailure, null);
        }
        if (!eof) {
            return false;
        }
        if (line) {
            if (size == 0) {
                return succeed(null, null);
            }
            byte[] last = in.take((int) size);
            return succeed(last, ByteBuffer.wrap(last));  // no terminator: a trailing CR is data
        }
        byte[] partial = in.take((int) size);
        return fail(new IncompleteReadException(partial, -1), ByteBuffer.wrap(partial));
    }

    /** The line without its LF, and without a CR just before the LF. */
    private static byte[] stripLineEnd(byte[] record) {
        int end = record.length - 1;
        if (end > 0 && record[end - 1] == '\r') {
            end--;
        }
        return Arrays.copyOf(record, end);
    }
}
