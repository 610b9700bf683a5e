package io.asyncio4j.samples.tour;

import java.util.List;
import java.util.stream.Collectors;

/** Python's {@code repr} for the values the recipes print: strings in single quotes, lists, tuples, None. */
final class Py {

    private Py() {
    }

    static String repr(Object value) {
        if (value == null) {
            return "None";
        }
        if (value instanceof CharSequence) {
            return "'" + value + "'";
        }
        if (value instanceof List<?> list) {
            return list.stream().map(Py::repr).collect(Collectors.joining(", ", "[", "]"));
        }
        return String.valueOf(value);
    }

    static String tuple(Object... values) {
        return List.of(values).stream().map(Py::repr).collect(Collectors.joining(", ", "(", ")"));
    }
}
