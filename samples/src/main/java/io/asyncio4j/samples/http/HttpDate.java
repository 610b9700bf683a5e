package io.asyncio4j.samples.http;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.util.Locale;

/**
 * The HTTP date format (RFC 9110 §5.6.7): sent as IMF-fixdate, {@code Sun, 06 Nov 1994 08:49:37 GMT}; read in
 * that form and the two obsolete ones every recipient must still accept.
 */
public final class HttpDate {

    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
    /** Strict resolving rejects 31 Feb and a weekday that is not the date's. */
    private static final DateTimeFormatter IMF_FIXDATE_READ = strict("EEE, dd MMM uuuu HH:mm:ss 'GMT'");
    /** ANSI C's {@code asctime()}: {@code Sun Nov  6 08:49:37 1994}, the day padded with a space. */
    private static final DateTimeFormatter ASCTIME_READ = strict("EEE MMM ppd HH:mm:ss uuuu");

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

    /**
     * Parses an HTTP-date in any of its three forms: IMF-fixdate, the obsolete RFC 850 form
     * ({@code Sunday, 06-Nov-94 08:49:37 GMT}, whose two-digit year is read as the latest year with those digits
     * at most 50 years after {@code now}), and asctime ({@code Sun Nov  6 08:49:37 1994}). Case-sensitive, as the
     * grammar is; the weekday must be the date's.
     *
     * @param text the text, without surrounding whitespace
     * @param now  the current time, which places a two-digit year
     * @return the instant, or {@code null} if {@code text} is not an HTTP-date
     */
    public static Instant parse(String text, Instant now) {
        // IMF-fixdate is always 29 characters and asctime 24; the RFC 850 form, with a full weekday, 30 to 33.
        DateTimeFormatter form;
        if (text.length() == 29) {
            form = IMF_FIXDATE_READ;
        } else if (text.length() == 24) {
            form = ASCTIME_READ;
        } else {
            form = rfc850(now.atZone(ZoneOffset.UTC).getYear() - 49);
        }
        try {
            return form.parse(text, Instant::from);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** The RFC 850 form with its two-digit year read in {@code [baseYear, baseYear + 99]}. */
    private static DateTimeFormatter rfc850(int baseYear) {
        return new DateTimeFormatterBuilder().appendPattern("EEEE, dd-MMM-")
                .appendValueReduced(ChronoField.YEAR, 2, 2, baseYear)
                .appendPattern(" HH:mm:ss 'GMT'")
                .toFormatter(Locale.US).withZone(ZoneOffset.UTC).withResolverStyle(ResolverStyle.STRICT);
    }

    private static DateTimeFormatter strict(String pattern) {
        return DateTimeFormatter.ofPattern(pattern, Locale.US).withZone(ZoneOffset.UTC)
                .withResolverStyle(ResolverStyle.STRICT);
    }
}
