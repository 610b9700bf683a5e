package io.asyncio4j.samples.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a duration option, the one syntax every command takes: a whole number and a unit, {@code ms}, {@code s},
 * {@code m} or {@code h} ({@code 500ms}, {@code 5s}, {@code 1m}). A bare {@code 0} is accepted, since zero is the
 * same in every unit; any other number without a unit is rejected rather than guessed.
 */
public final class DurationConverter implements ITypeConverter<Duration> {

    /** The sentence every command that takes a duration shows under its options. */
    public static final String SYNTAX = "DURATION is a whole number and a unit: 500ms, 5s, 1m or 1h.";

    private static final Pattern NUMBER_AND_UNIT = Pattern.compile("(\\d+)(ms|s|m|h)?");

    /** Digits beyond this many could overflow a duration in hours. */
    private static final int MAX_DIGITS = 9;

    /**
     * Parses {@code text}.
     *
     * @param text the option's value
     * @return the duration, zero or more
     * @throws TypeConversionException if the text is not a number and a unit, or not {@code 0}
     */
    @Override
    public Duration convert(String text) {
        Matcher m = NUMBER_AND_UNIT.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new TypeConversionException("'" + text + "' is not a duration (a whole number and a unit: 500ms,"
                    + " 5s, 1m or 1h)");
        }
        String digits = m.group(1);
        if (digits.length() > MAX_DIGITS) {
            throw new TypeConversionException("'" + text + "' is too long a duration");
        }
        long amount = Long.parseLong(digits);
        String unit = m.group(2);
        if (unit == null) {
            if (amount == 0) {
                return Duration.ZERO;
            }
            throw new TypeConversionException("'" + text + "' has no unit (write " + amount + "ms, " + amount + "s, "
                    + amount + "m or " + amount + "h)");
        }
        return switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        };
    }

    /** The same syntax for options where zero makes no sense (an interval, a time allowed for a request). */
    public static final class Positive implements ITypeConverter<Duration> {

        private final DurationConverter any = new DurationConverter();

        /**
         * Parses {@code text}.
         *
         * @param text the option's value
         * @return the duration, more than zero
         * @throws TypeConversionException if the text is not a duration, or is zero
         */
        @Override
        public Duration convert(String text) {
            Duration d = any.convert(text);
            if (d.isZero()) {
                throw new TypeConversionException("'" + text + "' is not more than zero");
            }
            return d;
        }
    }
}
