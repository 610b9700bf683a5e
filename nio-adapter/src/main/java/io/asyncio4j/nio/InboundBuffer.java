package io.asyncio4j.nio;

import java.nio.ByteBuffer;

/**
 * The received bytes a connection holds for its reader: a queue of chunks as they came off the socket, handed
 * out without copying where a whole chunk fits, with random access for delimiter searches. Not thread-safe: only
 * the connection's executor touches it.
 */
final class InboundBuffer {

    private static final ByteBuffer[] NONE = new ByteBuffer[0];

    /** A power-of-two ring; empty until the first chunk, so an idle connection holds no array. */
    private ByteBuffer[] chunks = NONE;
    private int head;
    private int count;
    private long size;
    /** The buffer {@link #front} last merged chunks into: its spare capacity takes the next merge. */
    private ByteBuffer merged;

    long size() {
        return size;
    }

    void append(ByteBuffer chunk) {
        if (!chunk.hasRemaining()) {
            return;
        }
        if (count == chunks.length) {
            grow();
        }
        chunks[(head + count) & (chunks.length - 1)] = chunk;
        count++;
        size += chunk.remaining();
    }

    /** Puts bytes back at the front, as if they had never been taken. */
    void pushFront(ByteBuffer chunk) {
        if (!chunk.hasRemaining()) {
            return;
        }
        if (count == chunks.length) {
            grow();
        }
        head = (head - 1) & (chunks.length - 1);
        chunks[head] = chunk;
        count++;
        size += chunk.remaining();
    }

    /** Takes 1 to {@code max} bytes, sharing memory with the chunk; the result's capacity is its own. */
    ByteBuffer takeUpTo(int max) {
        ByteBuffer first = chunks[head];
        int n = first.remaining();
        if (n <= max) {
            if (first == merged) {
                merged = null;  // handed out: its spare capacity is no longer ours to fill
            }
            chunks[head] = null;
            head = (head + 1) & (chunks.length - 1);
            count--;
            size -= n;
            return first;
        }
        int pos = first.position();
        ByteBuffer part = first.duplicate().limit(pos + max).slice();
        first.position(pos + max);
        size -= max;
        return part;
    }

    /**
     * Consumes {@code n} bytes of the first chunk ({@code 0 < n <= } its remaining bytes, as {@link #front} makes
     * sure). Returns the chunk if it was consumed whole and left the queue (its position untouched, to
     * {@link #pushFront} back), or {@code null} if it stays at the front, to be put back with {@link #unskip}.
     */
    ByteBuffer skip(int n) {
        ByteBuffer first = chunks[head];
        if (n == first.remaining()) {
            return takeUpTo(n);
        }
        first.position(first.position() + n);
        size -= n;
        return null;
    }

    /**
     * Puts back the last {@code n} bytes {@link #skip} consumed from the first chunk without removing it. Valid only
     * while nothing else has consumed from the front since.
     */
    void unskip(int n) {
        ByteBuffer first = chunks[head];
        first.position(first.position() - n);
        size += n;
    }

    /** Moves up to {@code dst.remaining()} bytes into {@code dst}; returns how many. */
    int transferTo(ByteBuffer dst) {
        int done = 0;
        while (count > 0 && dst.hasRemaining()) {
            ByteBuffer first = chunks[head];
            int k = Math.min(first.remaining(), dst.remaining());
            ByteBuffer part = first.duplicate();
            part.limit(part.position() + k);
            dst.put(part);
            first.position(first.position() + k);
            done += k;
            if (!first.hasRemaining()) {
                chunks[head] = null;
                head = (head + 1) & (chunks.length - 1);
                count--;
            }
        }
        size -= done;
        return done;
    }

    /** Drops exactly {@code n <= size()} bytes from the front, copying nothing. */
    void discard(long n) {
        long left = n;
        while (left > 0) {
            ByteBuffer first = chunks[head];
            int k = (int) Math.min(first.remaining(), left);
            if (k == first.remaining()) {
                takeUpTo(k);
            } else {
                first.position(first.position() + k);
                size -= k;
            }
            left -= k;
        }
    }

    /** Takes exactly {@code n <= size()} bytes into a new array. */
    byte[] take(int n) {
        byte[] out = new byte[n];
        int done = 0;
        while (done < n) {
            ByteBuffer first = chunks[head];
            int k = Math.min(first.remaining(), n - done);
            first.get(out, done, k);
            done += k;
            if (!first.hasRemaining()) {
                chunks[head] = null;
                head = (head + 1) & (chunks.length - 1);
                count--;
            }
        }
        size -= n;
        return out;
    }

    /**
     * Returns the first chunk after making it hold at least {@code n <= size()} bytes: as it is if it already
     * does, else by merging the chunks behind it into one buffer. The merge buffer is sized up to
     * {@code capacityHint} so that bytes arriving later are appended to it rather than copying the front again:
     * a frame growing by small arrivals is copied once on average, not once per arrival.
     */
    ByteBuffer front(int n, int capacityHint) {
        ByteBuffer first = chunks[head];
        if (first.remaining() >= n) {
            return first;
        }
        int mask = chunks.length - 1;
        ByteBuffer acc = first;
        if (first != merged || first.capacity() - first.limit() < n - first.remaining()) {
            acc = ByteBuffer.allocate(Math.max(n, Math.min(capacityHint, Math.max(2 * n, 512))));
            acc.put(first).flip();
            chunks[head] = acc;
            merged = acc;
        }
        int start = acc.position();
        int end = acc.limit();
        acc.limit(acc.capacity());
        while (end - start < n) {
            int second = (head + 1) & mask;
            ByteBuffer next = chunks[second];
            int k = Math.min(next.remaining(), n - (end - start));
            acc.put(end, next, next.position(), k);
            next.position(next.position() + k);
            end += k;
            if (!next.hasRemaining()) {
                // Drop the emptied second chunk: the front moves into its slot.
                chunks[second] = acc;
                chunks[head] = null;
                head = second;
                count--;
            }
        }
        acc.limit(end).position(start);
        return acc;
    }

    /**
     * Returns the offset of the first occurrence of {@code delimiter} starting at or after {@code from}, looking
     * no further than a match ending at {@code end}; -1 if there is none.
     */
    long indexOf(byte[] delimiter, long from, long end) {
        long last = Math.min(end, size) - delimiter.length;
        if (from > last) {
            return -1;
        }
        byte first = delimiter[0];
        long base = 0;
        for (int c = 0; c < count; c++) {
            ByteBuffer chunk = chunks[(head + c) & (chunks.length - 1)];
            int len = chunk.remaining();
            if (base + len <= from) {
                base += len;
                continue;
            }
            int pos = chunk.position();
            int start = (int) Math.max(0, from - base);
            int stop = (int) Math.min(len, last - base + 1);
            for (int i = start; i < stop; i++) {
                if (chunk.get(pos + i) == first && (delimiter.length == 1 || matchesAt(c, i + 1, delimiter))) {
                    return base + i;
                }
            }
            base += len;
            if (base > last) {
                break;
            }
        }
        return -1;
    }

    /** Whether {@code delimiter[1..]} follows, starting at offset {@code i} of chunk number {@code c}. */
    private boolean matchesAt(int c, int i, byte[] delimiter) {
        int d = 1;
        while (d < delimiter.length && c < count) {
            ByteBuffer chunk = chunks[(head + c) & (chunks.length - 1)];
            int pos = chunk.position();
            int len = chunk.remaining();
            while (i < len && d < delimiter.length) {
                if (chunk.get(pos + i) != delimiter[d]) {
                    return false;
                }
                i++;
                d++;
            }
            c++;
            i = 0;
        }
        return d == delimiter.length;
    }

    private void grow() {
        ByteBuffer[] bigger = new ByteBuffer[Math.max(4, chunks.length * 2)];
        for (int i = 0; i < count; i++) {
            bigger[i] = chunks[(head + i) & (chunks.length - 1)];
        }
        chunks = bigger;
        head = 0;
    }
}
