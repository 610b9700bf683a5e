package io.asyncio4j.samples.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class HttpDateTest {

    static final Instant NOW = Instant.parse("2026-11-01T23:02:00Z");
    static final Instant RFC_EXAMPLE = Instant.parse("1994-11-06T08:49:37Z");

    @Test
    void theThreeFormsOfRfc9110ParseToTheSameInstant() {
        assertThat(HttpDate.parse("Sun, 06 Nov 1994 08:49:37 GMT", NOW)).isEqualTo(RFC_EXAMPLE);
        assertThat(HttpDate.parse("Sunday, 06-Nov-94 08:49:37 GMT", NOW)).isEqualTo(RFC_EXAMPLE);
        assertThat(HttpDate.parse("Sun Nov  6 08:49:37 1994", NOW)).isEqualTo(RFC_EXAMPLE);
    }

    @Test
    void whatFormatWritesParsesBack() {
        Instant t = Instant.parse("2026-02-28T00:00:09Z");
        assertThat(HttpDate.parse(HttpDate.format(t), NOW)).isEqualTo(t);
    }

    @Test
    void aTwoDigitYearIsTheLatestWithThoseDigitsAtMostFiftyYearsAhead() {
        // Now is 2026: 76 is 2076 (50 years ahead), 77 would be 2077, more than 50 years ahead, so 1977.
        assertThat(HttpDate.parse("Sunday, 01-Nov-76 00:00:00 GMT", NOW))
                .isEqualTo(Instant.parse("2076-11-01T00:00:00Z"));
        assertThat(HttpDate.parse("Tuesday, 01-Nov-77 00:00:00 GMT", NOW))
                .isEqualTo(Instant.parse("1977-11-01T00:00:00Z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "yesterday",
        "Mon, 06 Nov 1994 08:49:37 GMT",        // the 6th was a Sunday
        "sun, 06 Nov 1994 08:49:37 GMT",        // case-sensitive
        "Sun, 06 Nov 1994 08:49:37 gmt",
        "Sun, 06 Nov 1994 08:49:37 UTC",
        "Sun, 6 Nov 1994 08:49:37 GMT",         // two-digit day
        "Sun,  06 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 08:49:37 +0000",
        "Thu, 30 Feb 2026 00:00:00 GMT",        // no such day
        "Sun, 06 Nov 1994 24:00:00 GMT",
        "Sun, 06 Nov 1994 08:49:60 GMT",
        "Sun, 06 Nov 99999 08:49:37 GMT",
        "Sun Nov 6 08:49:37 1994",              // asctime pads the day with a space
        "Sunday, 06-Nov-1994 08:49:37 GMT",
        "1994-11-06T08:49:37Z",
        "784111777",
    })
    void anythingElseIsNotAnHttpDate(String text) {
        assertThat(HttpDate.parse(text, NOW)).isNull();
    }
}
