package io.asyncio4j.samples.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurationConverterTest {

    @ParameterizedTest
    @CsvSource({"500ms, 500", "5s, 5000", "1m, 60000", "1h, 3600000", "0, 0", "0s, 0", "2M, 120000"})
    void aWholeNumberAndAUnitIsADuration(String text, long millis) {
        assertThat(new DurationConverter().convert(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @Test
    void aNumberWithoutAUnitOtherThanZeroIsRejected() {
        assertThatThrownBy(() -> new DurationConverter().convert("5"))
                .isInstanceOf(TypeConversionException.class)
                .hasMessage("'5' has no unit (write 5ms, 5s, 5m or 5h)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PT1S", "0.5s", "-1s", "5 s", "5sec", "s", ""})
    void anyOtherSyntaxIsRejected(String text) {
        assertThatThrownBy(() -> new DurationConverter().convert(text))
                .isInstanceOf(TypeConversionException.class)
                .hasMessage("'" + text + "' is not a duration (a whole number and a unit: 500ms, 5s, 1m or 1h)");
    }

    @Test
    void aNumberTooLongIsRejected() {
        assertThatThrownBy(() -> new DurationConverter().convert("99999999999999999999h"))
                .isInstanceOf(TypeConversionException.class)
                .hasMessage("'99999999999999999999h' is too long a duration");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "0ms"})
    void zeroIsRejectedWhereOnlyMoreThanZeroMakesSense(String text) {
        assertThatThrownBy(() -> new DurationConverter.Positive().convert(text))
                .isInstanceOf(TypeConversionException.class)
                .hasMessage("'" + text + "' is not more than zero");
        assertThat(new DurationConverter.Positive().convert("1ms")).isEqualTo(Duration.ofMillis(1));
    }
}
