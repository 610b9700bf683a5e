package io.asyncio4j.samples.http;

/**
 * An HTTP version as in {@code HTTP/1.1}: one digit each side of the dot (RFC 9112 §2.3).
 *
 * @param major the major version
 * @param minor the minor version
 */
public record HttpVersion(int major, int minor) {

    /** {@code HTTP/1.0}. */
    public static final HttpVersion HTTP_1_0 = new HttpVersion(1, 0);
    /** {@code HTTP/1.1}. */
    public static final HttpVersion HTTP_1_1 = new HttpVersion(1, 1);

    /**
     * Parses {@code HTTP/d.d}, case-sensitively as the grammar says.
     *
     * @param text the version token
     * @return the version, or {@code null} if the token is not of that form
     */
    public static HttpVersion parse(String text) {
        if (text.length() != 8 || !text.startsWith("HTTP/") || text.charAt(6) != '.'
                || !isDigit(text.charAt(5)) || !isDigit(text.charAt(7))) {
            return null;
        }
        return new HttpVersion(text.charAt(5) - '0', text.charAt(7) - '0');
    }

    /**
     * Parses {@code HTTP/d.d} from the bytes {@code [from, to)} of {@code b}, as {@link #parse(String)}; 1.0 and 1.1
     * are the shared constants.
     *
     * @param b    the bytes
     * @param from the first byte of the token
     * @param to   the end of the token
     * @return the version, or {@code null} if the token is not of that form
     */
    static HttpVersion parse(byte[] b, int from, int to) {
        if (to - from != 8 || b[from] != 'H' || b[from + 1] != 'T' || b[from + 2] != 'T'
                || b[from + 3] != 'P' || b[from + 4] != '/' || b[from + 6] != '.') {
            return null;
        }
        int major = b[from + 5] - '0';
        int minor = b[from + 7] - '0';
        if (major < 0 || major > 9 || minor < 0 || minor > 9) {
            return null;
        }
        if (major == 1 && minor <= 1) {
            return minor == 1 ? HTTP_1_1 : HTTP_1_0;
        }
        return new HttpVersion(major, minor);
    }

    /**
     * Returns whether this is HTTP/1.0 or HTTP/1.1, the versions this codec speaks.
     *
     * @return {@code true} for 1.0 and 1.1
     */
    public boolean isSupported() {
        return major == 1 && (minor == 0 || minor == 1);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    @Override
    public String toString() {
        return "HTTP/" + major + "." + minor;
    }
}
