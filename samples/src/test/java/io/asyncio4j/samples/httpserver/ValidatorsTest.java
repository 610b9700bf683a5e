package io.asyncio4j.samples.httpserver;

import io.asyncio4j.samples.http.HttpHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.attribute.FileTime;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class ValidatorsTest {

    static final Instant NOW = Instant.parse("2026-11-01T23:02:00Z");
    static final Instant MTIME = Instant.parse("2026-10-31T12:00:00.123456789Z");
    /** {@link #MTIME} to the second, as Last-Modified sends it. */
    static final String MODIFIED = "Sat, 31 Oct 2026 12:00:00 GMT";
    static final Validators FILE = Validators.of(100_000, FileTime.from(MTIME), NOW);
    /** Seconds 1793448000, nanoseconds 123456789, 100,000 bytes, in hex. */
    static final String ETAG = "W/\"6ae5d840.75bcd15-186a0\"";
    static final String STRONG_SPELLING = "\"6ae5d840.75bcd15-186a0\"";

    static boolean notModified(String... fields) {
        HttpHeaders headers = new HttpHeaders();
        for (int i = 0; i < fields.length; i += 2) {
            headers.add(fields[i], fields[i + 1]);
        }
        return FILE.notModified(headers, NOW);
    }

    @Test
    void theTagIsWeakFromModificationTimeToTheNanosecondAndSize() {
        assertThat(FILE.etag()).isEqualTo(ETAG);
        assertThat(FILE.lastModified()).isEqualTo(Instant.parse("2026-10-31T12:00:00Z"));
        assertThat(Validators.of(100_001, FileTime.from(MTIME), NOW).etag()).isNotEqualTo(ETAG);
        assertThat(Validators.of(100_000, FileTime.from(MTIME.plusNanos(1)), NOW).etag()).isNotEqualTo(ETAG);
    }

    @Test
    void aModificationTimeInTheFutureIsSentAsNow() {
        Validators future = Validators.of(1, FileTime.from(NOW.plusSeconds(3600)), NOW);
        assertThat(future.lastModified()).isEqualTo(NOW);
    }

    @Test
    void noConditionMeansTheFileIsSent() {
        assertThat(notModified()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        ETAG,
        "\"x\", " + ETAG,
        "W/\"other\",W/\"x\" ,\t" + ETAG + " ,",
        "*",
        " * ",
    })
    void ifNoneMatchWithOurTagOrAStarIsNotModified(String value) {
        assertThat(notModified("If-None-Match", value)).isTrue();
    }

    @Test
    void ifNoneMatchComparesWeaklySoAStrongSpellingOfOurTagMatches() {
        assertThat(notModified("If-None-Match", STRONG_SPELLING)).isTrue();
    }

    @Test
    void ifNoneMatchFieldsAreOneList() {
        assertThat(notModified("If-None-Match", "\"a\"", "If-None-Match", ETAG)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "\"other\"",
        "W/\"other\", \"another\"",
        "",
        "W/\"6ae5d840.75bcd15-186a1\"",
        ETAG + " junk",            // malformed: matches nothing, even our tag before the junk
        "W/\"6ae5d840.75bcd15-186a0",
        "w/\"6ae5d840.75bcd15-186a0\"",
        "6ae5d840.75bcd15-186a0",
        "*, " + ETAG,
        "\"a\"b\", " + ETAG,
    })
    void ifNoneMatchWithoutOurTagSendsTheFile(String value) {
        assertThat(notModified("If-None-Match", value)).isFalse();
    }

    @Test
    void ifNoneMatchTakesPrecedenceOverIfModifiedSince() {
        assertThat(notModified("If-Modified-Since", MODIFIED, "If-None-Match", "\"other\"")).isFalse();
        assertThat(notModified("If-None-Match", ETAG, "If-Modified-Since", "Sat, 01 Jan 2000 00:00:00 GMT"))
                .isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        MODIFIED,
        "Sun, 01 Nov 2026 23:02:00 GMT",        // now
        "Saturday, 31-Oct-26 12:00:00 GMT",
        "Sat Oct 31 12:00:00 2026",
        " " + MODIFIED + " ",
    })
    void ifModifiedSinceAtOrAfterTheModificationIsNotModified(String value) {
        assertThat(notModified("If-Modified-Since", value)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Sat, 31 Oct 2026 11:59:59 GMT",        // a second before the modification
        "Sun, 01 Nov 2026 23:02:01 GMT",        // after now: ignored
        "Fri, 31 Dec 9999 23:59:59 GMT",
        "Sat, 31 Oct 2026 12:00:00",
        "garbage",
        "",
        "0",
    })
    void ifModifiedSinceEarlierInTheFutureOrInvalidSendsTheFile(String value) {
        assertThat(notModified("If-Modified-Since", value)).isFalse();
    }

    @Test
    void twoIfModifiedSinceFieldsAreIgnored() {
        assertThat(notModified("If-Modified-Since", MODIFIED, "If-Modified-Since", MODIFIED)).isFalse();
    }
}
