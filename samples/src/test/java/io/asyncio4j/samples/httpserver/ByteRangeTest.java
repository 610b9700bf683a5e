package io.asyncio4j.samples.httpserver;

import io.asyncio4j.samples.http.HttpException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ByteRangeTest {

    static final long SIZE = 100_000;

    @ParameterizedTest(name = "{0} -> {1}-{2}")
    @CsvSource(delimiter = '|', value = {
        "bytes=0-99                         | 0     | 99",
        "bytes=0-0                          | 0     | 0",
        "bytes=99999-99999                  | 99999 | 99999",
        "bytes=500-                         | 500   | 99999",
        "bytes=-100                         | 99900 | 99999",
        "bytes=-1                           | 99999 | 99999",
        "bytes=90000-200000                 | 90000 | 99999",
        "bytes=0-99999999999999999999999    | 0     | 99999",
        "bytes=-100000                      | 0     | 99999",
        "bytes=-99999999999999999999999     | 0     | 99999",
        "BYTES=1-2                          | 1     | 2",
        "bytes=0000000000000000000000001-02 | 1     | 2",
        "'bytes=,  ,10-19 ,'                | 10    | 19",
    })
    void oneRangeIsSelectedAndClampedToTheFile(String field, long first, long last) throws HttpException {
        ByteRange range = ByteRange.parse(field, SIZE);
        assertThat(range).isEqualTo(new ByteRange(first, last));
        assertThat(range.length()).isEqualTo(last - first + 1);
        assertThat(range.contentRange(SIZE)).isEqualTo("bytes " + first + "-" + last + "/" + SIZE);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {
        "bytes=0-1,5-6",          // several ranges: the whole file
        "bytes=0-50,25-75",       // overlapping
        "bytes=-5,0-4",
        "bytes=5-2",              // last before first: invalid
        "bytes=5",
        "bytes=",
        "bytes=-",
        "bytes=--5",
        "bytes=1-2-3",
        "bytes=+1-5",
        "bytes=0x0-0x5",
        "bytes=1 -5",
        "bytes=1- 5",
        "bytes=-1.5",
        "bytes=\u0661-\u0662",    // Arabic-Indic digits are not DIGIT
        "items=0-5",
        "bytes 0-5",
        "bytes =0-5",
        "=0-5",
        "0-5",
        "",
    })
    void anythingButOneValidRangeSelectsTheWholeFile(String field) throws HttpException {
        assertThat(ByteRange.parse(field, SIZE)).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "bytes=100000-",
        "bytes=100000-100001",
        "bytes=99999999999999999999999-",
        "bytes=9223372036854775807-",
        "bytes=-0",
    })
    void aRangeStartingAtOrPastTheEndIsUnsatisfiable(String field) {
        assertThatThrownBy(() -> ByteRange.parse(field, SIZE))
                .isInstanceOfSatisfying(HttpException.class, e -> assertThat(e.status()).isEqualTo(416));
    }

    @Test
    void everyRangeOfAnEmptyFileIsUnsatisfiable() {
        for (String field : new String[] {"bytes=0-", "bytes=0-0", "bytes=-1"}) {
            assertThatThrownBy(() -> ByteRange.parse(field, 0)).as(field)
                    .isInstanceOfSatisfying(HttpException.class, e -> assertThat(e.status()).isEqualTo(416));
        }
        assertThat(ByteRange.unsatisfiedRange(0)).isEqualTo("bytes */0");
    }
}
