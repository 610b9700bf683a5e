package io.asyncio4j.samples.http;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The HTTP date format, IMF-fixdate (RFC 9110 §5.6.7): {@code Sun, 06 Nov 1994 08:49:37 GMT}. */
public final class HttpDate {

    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private HttpDate() {
    }

    /**
     * Formats an instant, dropping its fraction of a second.
     *
     * @param instant the instant
     * @return the IMF-fixdate text
     */
    public static String format(Instant instant) {
        return IMF_FIXDATE.format(instant);
    }
}
