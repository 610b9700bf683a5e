package io.asyncio4j.samples.time;

import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * C's {@code ctime()} form of a time, as Python's {@code time.ctime()}: {@code Sun Nov  1 23:02:00 2026} (English
 * names, day of month padded with a space, 24 characters for years 1000 to 9999).
 */
public final class Ctime {

    /** The ctime pattern; {@code ppd} pads the day of month with a space to two characters. */
    public static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy",
            Locale.ENGLISH);

    private Ctime() {
    }

    /**
     * Formats {@code time}.
     *
     * @param time the time, in the zone it should be shown in
     * @return its ctime form, without a line terminator
     */
    public static String format(ZonedDateTime time) {
        return FORMAT.format(time);
    }

    /**
     * Formats the current time of {@code clock} in the clock's zone ({@code time.ctime()}).
     *
     * @param clock the clock, {@link Clock#systemDefaultZone()} for local time
     * @return the ctime form of now
     */
    public static String now(Clock clock) {
        return format(ZonedDateTime.now(clock));
    }
}
