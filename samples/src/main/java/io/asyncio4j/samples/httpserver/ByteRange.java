package io.asyncio4j.samples.httpserver;

import io.asyncio4j.samples.http.HttpException;

/**
 * The one byte range a GET's {@code Range} field selects from a file (RFC 9110 §14.1.2): {@code bytes=a-b},
 * {@code bytes=a-} or the suffix {@code bytes=-n}. A last position past the end is clamped to it, and so is a
 * suffix longer than the file. Numbers too large for a {@code long} count as very large, not as errors.
 *
 * @param first the offset of the first byte
 * @param last  the offset of the last byte, inclusive, before the end of the file
 */
record ByteRange(long first, long last) {

    /**
     * Reads a {@code Range} field value against a file of {@code size} bytes.
     *
     * @param field the field value
     * @param size  the file's length
     * @return the range to send with 206, or {@code null} to send the whole file with 200: the value is not a
     *         valid {@code bytes} range set, or it asks for several ranges (RFC 9110 §14.2 lets a server ignore
     *         {@code Range}, and several ranges would need a multipart body)
     * @throws HttpException 416 if the one range starts at or past the end of the file, or is a suffix of no
     *         bytes; every range of an empty file does
     */
    static ByteRange parse(String field, long size) throws HttpException {
        int equals = field.indexOf('=');
        if (equals < 0 || !field.substring(0, equals).equalsIgnoreCase("bytes")) {
            return null;
        }
        String spec = null;
        for (String element : field.substring(equals + 1).split(",", -1)) {
            String trimmed = element.strip();
            if (trimmed.isEmpty()) {
                continue; // empty list elements are allowed (RFC 9110 §5.6.1.2)
            }
            if (spec != null) {
                return null;
            }
            spec = trimmed;
        }
        int dash = spec == null ? -1 : spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        String before = spec.substring(0, dash);
        String after = spec.substring(dash + 1);
        if (before.isEmpty()) {
            long suffix = digits(after);
            if (suffix < 0) {
                return null;
            }
            if (suffix == 0 || size == 0) {
                throw unsatisfiable(size);
            }
            return new ByteRange(size - Math.min(suffix, size), size - 1);
        }
        long first = digits(before);
        long last = after.isEmpty() ? Long.MAX_VALUE : digits(after);
        if (first < 0 || last < 0 || last < first) {
            return null; // an invalid range-spec (RFC 9110 §14.1.1): the field is ignored
        }
        if (first >= size) {
            throw unsatisfiable(size);
        }
        return new ByteRange(first, Math.min(last, size - 1));
    }

    /** How many bytes the range holds. */
    long length() {
        return last - first + 1;
    }

    /** The {@code Content-Range} value of a 206 response: {@code bytes 0-99/1000}. */
    String contentRange(long size) {
        return "bytes " + first + "-" + last + "/" + size;
    }

    /** The {@code Content-Range} value of a 416 response: {@code bytes *}{@code /1000}. */
    static String unsatisfiedRange(long size) {
        return "bytes */" + size;
    }

    private static HttpException unsatisfiable(long size) {
        return new HttpException(416, "no byte of the range is within the " + size + " bytes of the file");
    }

    /** A non-empty run of ASCII digits as a number, {@link Long#MAX_VALUE} if larger; -1 if not such a run. */
    private static long digits(String s) {
        if (s.isEmpty()) {
            return -1;
        }
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            int d = s.charAt(i) - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            n = n > (Long.MAX_VALUE - d) / 10 ? Long.MAX_VALUE : n * 10 + d;
        }
        return n;
    }
}
