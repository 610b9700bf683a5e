package io.asyncio4j.samples.httpserver;

import io.asyncio4j.samples.http.HttpDate;
import io.asyncio4j.samples.http.HttpHeaders;

import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * A file's validators (RFC 9110 §8.8) and the conditional GET evaluated against them (§13.1.2, §13.1.3, §13.2.2).
 *
 * <p>The entity tag is weak, {@code W/"<mtime seconds>.<mtime nanoseconds>-<size>"} in hex: size and modification
 * time do not promise byte-for-byte identity (a rewrite of the same length within the clock's resolution keeps
 * them), which a strong tag must; If-None-Match on GET and HEAD compares weakly anyway.
 *
 * @param etag         the entity tag, {@code W/"…"}
 * @param lastModified the modification time to the second, never after the response's {@code Date}
 */
record Validators(String etag, Instant lastModified) {

    /**
     * The validators of a file of {@code size} bytes modified at {@code modified}; a modification time in the
     * future is sent as {@code now} (RFC 9110 §8.8.2.1).
     */
    static Validators of(long size, FileTime modified, Instant now) {
        Instant mtime = modified.toInstant();
        String etag = "W/\"" + Long.toHexString(mtime.getEpochSecond()) + "." + Integer.toHexString(mtime.getNano())
                + "-" + Long.toHexString(size) + "\"";
        Instant lastModified = mtime.isAfter(now) ? now : mtime;
        return new Validators(etag, lastModified.truncatedTo(ChronoUnit.SECONDS));
    }

    /**
     * Whether a GET or HEAD with these fields is answered 304 Not Modified. If-None-Match, when present, decides
     * alone: 304 if it is {@code *} or lists a tag weakly equal to ours; a malformed one matches nothing. Otherwise
     * If-Modified-Since: 304 if the file was not modified after it; ignored unless it is one valid HTTP-date no
     * later than {@code now} (a date in the future would hide changes made before it).
     *
     * @param request the request's fields
     * @param now     the server's time
     * @return {@code true} to answer 304
     */
    boolean notModified(HttpHeaders request, Instant now) {
        if (request.contains("If-None-Match")) {
            return matchesWeakly(String.join(",", request.getAll("If-None-Match")));
        }
        List<String> since = request.getAll("If-Modified-Since");
        if (since.size() != 1) {
            return false;
        }
        Instant date = HttpDate.parse(since.get(0).strip(), now);
        return date != null && !date.isAfter(now) && !lastModified.isAfter(date);
    }

    /**
     * Whether an If-None-Match value is {@code *} or lists a tag weakly equal to ours (the opaque tags are equal,
     * {@code W/} aside); a value that is not a list of entity tags matches nothing.
     */
    private boolean matchesWeakly(String value) {
        if (value.strip().equals("*")) {
            return true;
        }
        String ours = etag.substring(2);
        boolean matched = false;
        int i = 0;
        int n = value.length();
        while (true) {
            while (i < n && (value.charAt(i) == ' ' || value.charAt(i) == '\t' || value.charAt(i) == ',')) {
                i++;
            }
            if (i == n) {
                return matched;
            }
            if (value.startsWith("W/", i)) {
                i += 2;
            }
            if (i == n || value.charAt(i) != '"') {
                return false;
            }
            int close = i + 1;
            while (close < n && isEtagChar(value.charAt(close))) {
                close++;
            }
            if (close == n || value.charAt(close) != '"') {
                return false;
            }
            matched |= value.regionMatches(i, ours, 0, ours.length()) && close + 1 - i == ours.length();
            i = close + 1;
            while (i < n && (value.charAt(i) == ' ' || value.charAt(i) == '\t')) {
                i++;
            }
            if (i < n && value.charAt(i) != ',') {
                return false;
            }
        }
    }

    /** {@code etagc}: visible ASCII but the double quote, and obs-text. */
    private static boolean isEtagChar(char c) {
        return c == 0x21 || (c >= 0x23 && c <= 0x7E) || (c >= 0x80 && c <= 0xFF);
    }
}
