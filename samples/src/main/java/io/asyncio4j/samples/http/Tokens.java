package io.asyncio4j.samples.http;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

/** The character classes of RFC 9110 §5.6 the parsers check. */
final class Tokens {

    /** {@code tchar}: ALPHA, DIGIT and {@code !#$%&'*+-.^_`|~}. */
    private static final boolean[] TCHAR = table("!#$%&'*+-.^_`|~");
    /** RFC 3986 {@code unreserved} and {@code sub-delims}. */
    private static final boolean[] HOST_CHAR = table("-._~!$&'()*+,;=");

    private Tokens() {
    }

    /** A lookup table of the ASCII letters and digits plus {@code others}. */
    private static boolean[] table(String others) {
        boolean[] t = new boolean[128];
        for (char c = '0'; c <= '9'; c++) {
            t[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            t[c] = true;
            t[c - 'a' + 'A'] = true;
        }
        for (int i = 0; i < others.length(); i++) {
            t[others.charAt(i)] = true;
        }
        return t;
    }

    /** Spellings that requests nearly always use, returned without allocating when the bytes match exactly. */
    private static final String[] KNOWN = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "Host", "Connection",
        "Accept", "User-Agent", "Content-Length", "Content-Type", "Transfer-Encoding", "Accept-Encoding"};

    /**
     * Whether the bytes {@code [from, to)} of {@code b} are a non-empty {@code token}, as {@link #isToken(String)}.
     */
    static boolean isToken(byte[] b, int from, int to) {
        if (from >= to) {
            return false;
        }
        for (int i = from; i < to; i++) {
            int c = b[i] & 0xFF;
            if (c >= 128 || !TCHAR[c]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the bytes {@code [from, to)} of {@code b} are a valid field value, as {@link #isFieldValue(String)}.
     */
    static boolean isFieldValue(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            int c = b[i] & 0xFF;
            if ((c < 0x20 && c != '\t') || c == 0x7F) {
                return false;
            }
        }
        return true;
    }

    /**
     * The bytes {@code [from, to)} of {@code b} as ISO-8859-1 text: a shared constant for a common method or
     * field name spelled exactly so, else a new string.
     */
    static String knownOrText(byte[] b, int from, int to) {
        for (String k : KNOWN) {
            if (k.length() == to - from && matches(b, from, k)) {
                return k;
            }
        }
        return new String(b, from, to - from, ISO_8859_1);
    }

    private static boolean matches(byte[] b, int from, String k) {
        for (int i = 0; i < k.length(); i++) {
            if (b[from + i] != k.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code s} is a non-empty {@code token} (methods, field names). */
    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 128 || !TCHAR[c]) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code s} is a valid field value: visible characters, spaces, tabs and obs-text, no controls. */
    static boolean isFieldValue(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7F || c > 0xFF) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code s} is a plausible request target: visible ASCII only. */
    static boolean isTarget(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x20 || c >= 0x7F) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the bytes {@code [from, to)} of {@code b} are a plausible request target, as
     * {@link #isTarget(String)}.
     */
    static boolean isTarget(byte[] b, int from, int to) {
        if (from >= to) {
            return false;
        }
        for (int i = from; i < to; i++) {
            int c = b[i] & 0xFF;
            if (c <= 0x20 || c >= 0x7F) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@code s} is a {@code Host} field value (RFC 9112 §3.2, RFC 3986 §3.2.2): empty, or a uri-host (an
     * IP literal in brackets, or a reg-name of unreserved, sub-delims and percent-encoded characters, which
     * covers IPv4 addresses) followed by an optional {@code :port} of digits.
     */
    static boolean isHost(String s) {
        int i = 0;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 2) {
                return false;
            }
            for (i = 1; i < close; i++) {
                if (!isUnreservedOrSubDelim(s.charAt(i)) && s.charAt(i) != ':') {
                    return false;
                }
            }
            i = close + 1;
        } else {
            while (i < s.length() && s.charAt(i) != ':') {
                char c = s.charAt(i);
                if (c == '%' && i + 2 < s.length() && Character.digit(s.charAt(i + 1), 16) >= 0
                        && Character.digit(s.charAt(i + 2), 16) >= 0) {
                    i += 3;
                } else if (isUnreservedOrSubDelim(c)) {
                    i++;
                } else {
                    return false;
                }
            }
        }
        if (i == s.length()) {
            return true;
        }
        if (s.charAt(i) != ':') {
            return false;
        }
        for (i++; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean isUnreservedOrSubDelim(char c) {
        return c < 128 && HOST_CHAR[c];
    }

    /** Strips optional whitespace (SP, HTAB) from both ends. */
    static String trimOws(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && (s.charAt(start) == ' ' || s.charAt(start) == '\t')) {
            start++;
        }
        while (end > start && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) {
            end--;
        }
        return s.substring(start, end);
    }
}
