package io.asyncio4j.samples.http;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * The header fields of a message in arrival order: names compare case-insensitively (ASCII), a name may repeat,
 * and each field keeps the spelling it was written with. Small by construction (bounded by
 * {@link HttpLimits#maxHeaderCount()}), so lookups scan. Not thread-safe.
 */
public final class HttpHeaders {

    /** Name, value, name, value, …: one array for a request's few fields instead of two lists. */
    private String[] fields = new String[16];
    private int size;

    /** Creates an empty header map. */
    public HttpHeaders() {
    }

    /**
     * Appends a field, keeping earlier fields of the same name.
     *
     * @param name  the field name
     * @param value the field value
     * @return this map
     */
    public HttpHeaders add(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (2 * size == fields.length) {
            fields = Arrays.copyOf(fields, 2 * fields.length);
        }
        fields[2 * size] = name;
        fields[2 * size + 1] = value;
        size++;
        return this;
    }

    /**
     * Replaces every field named {@code name} with one field, appended if there was none.
     *
     * @param name  the field name
     * @param value the field value
     * @return this map
     */
    public HttpHeaders set(String name, String value) {
        int at = indexOf(name);
        if (at < 0) {
            return add(name, value);
        }
        fields[2 * at + 1] = Objects.requireNonNull(value, "value");
        for (int i = size - 1; i > at; i--) {
            if (name(i).equalsIgnoreCase(name)) {
                removeAt(i);
            }
        }
        return this;
    }

    /**
     * Returns the value of the first field named {@code name}.
     *
     * @param name the field name, any case
     * @return its value, or {@code null} if there is none
     */
    public String get(String name) {
        int at = indexOf(name);
        return at < 0 ? null : value(at);
    }

    /**
     * Returns the values of every field named {@code name}, in order.
     *
     * @param name the field name, any case
     * @return the values, empty if there is none
     */
    public List<String> getAll(String name) {
        List<String> all = new ArrayList<>(1);
        for (int i = 0; i < size; i++) {
            if (name(i).equalsIgnoreCase(name)) {
                all.add(value(i));
            }
        }
        return all;
    }

    /**
     * Returns how many fields are named {@code name}.
     *
     * @param name the field name, any case
     * @return the count, 0 if there is none
     */
    public int count(String name) {
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (name(i).equalsIgnoreCase(name)) {
                n++;
            }
        }
        return n;
    }

    /**
     * Returns whether a field named {@code name} is present.
     *
     * @param name the field name, any case
     * @return {@code true} if present
     */
    public boolean contains(String name) {
        return indexOf(name) >= 0;
    }

    /**
     * Returns whether the comma-separated list values of the fields named {@code name} contain {@code token},
     * compared case-insensitively (as for {@code Connection: close}).
     *
     * @param name  the field name, any case
     * @param token the list element
     * @return {@code true} if one of the elements is {@code token}
     */
    public boolean containsToken(String name, String token) {
        if (indexOf(name) < 0) {
            return false;
        }
        for (String element : listValues(name)) {
            if (element.equalsIgnoreCase(token)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Returns the elements of the comma-separated list values of every field named {@code name}, trimmed, empty
     * elements skipped (RFC 9110 §5.6.1).
     *
     * @param name the field name, any case
     * @return the elements in order
     */
    public List<String> listValues(String name) {
        List<String> elements = new ArrayList<>(2);
        for (String value : getAll(name)) {
            for (String element : value.split(",")) {
                String trimmed = element.strip();
                if (!trimmed.isEmpty()) {
                    elements.add(trimmed);
                }
            }
        }
        return elements;
    }

    /**
     * Removes every field named {@code name}.
     *
     * @param name the field name, any case
     * @return this map
     */
    public HttpHeaders remove(String name) {
        for (int i = size - 1; i >= 0; i--) {
            if (name(i).equalsIgnoreCase(name)) {
                removeAt(i);
            }
        }
        return this;
    }

    /**
     * Removes every field.
     *
     * @return this map
     */
    public HttpHeaders clear() {
        Arrays.fill(fields, 0, 2 * size, null);
        size = 0;
        return this;
    }

    /**
     * Returns how many fields there are.
     *
     * @return the field count
     */
    public int size() {
        return size;
    }

    /**
     * Calls {@code action} with each field's name and value, in order.
     *
     * @param action what to do with each field
     */
    public void forEach(BiConsumer<String, String> action) {
        for (int i = 0; i < size; i++) {
            action.accept(name(i), value(i));
        }
    }

    private String name(int i) {
        return fields[2 * i];
    }

    private String value(int i) {
        return fields[2 * i + 1];
    }

    private void removeAt(int i) {
        System.arraycopy(fields, 2 * i + 2, fields, 2 * i, 2 * (size - i - 1));
        size--;
        fields[2 * size] = null;
        fields[2 * size + 1] = null;
    }

    private int indexOf(String name) {
        for (int i = 0; i < size; i++) {
            if (name(i).equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        forEach((n, v) -> s.append(n).append(": ").append(v).append("\r\n"));
        return s.toString();
    }
}
