package io.asyncio4j.samples.http;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The HTTP date format, IMF-fixdate (RFC 9110 §5.6.7): {@code Sun, 06 Nov 1994 08:49:37 GMT}. */
public final class HttpDate {

    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    /** The last second formatted: a server stamps many responses within one second. */
    private static volatile Stamp last = new Stamp(Long.MIN_VALUE, "");

    private record Stamp(long second, String text) {
    }

    private HttpDate() {
    }

    /**
     * Formats an instant, dropping its fraction of a second.
     *
     * @param instant the instant
     * @return the IMF-fixdate text
     */
    public static String format(Instant instant) {
        long second = instant.getEpochSecond();
        Stamp s = last;
        if (s.second() != second) {
            s = new Stamp(second, IMF_FIXDATE.format(instant));
            last = s;
        }
        return s.text();
    }
}
