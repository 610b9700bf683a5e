package io.asyncio4j.samples.httpserver;

import io.asyncio4j.samples.http.HttpException;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.util.ArrayList;
import java.util.List;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * The path of a request target, decoded once and split into segments that cannot leave a root directory.
 *
 * <p>Origin-form ({@code /a/b?q}) and absolute-form ({@code http://host/a/b}) targets are accepted, the query
 * dropped; authority-form and asterisk-form are refused (400). The path is percent-decoded exactly once, as
 * UTF-8. Refused: malformed percent escapes, invalid UTF-8, NUL or other control characters (400); encoded
 * slashes, backslashes in any form, and any {@code ..} segment after decoding (403). Empty and {@code .}
 * segments are dropped.
 *
 * @param rawPath  the path as sent, still percent-encoded ({@code /a%20b/}), for redirects
 * @param segments the decoded segments, none empty, {@code .} or {@code ..}
 */
record RequestPath(String rawPath, List<String> segments) {

    static RequestPath parse(String target) throws HttpException {
        String path;
        if (target.startsWith("/")) {
            path = target;
        } else if (startsWithIgnoreCase(target, "http://") || startsWithIgnoreCase(target, "https://")) {
            int authority = target.indexOf("://") + 3;
            int slash = target.indexOf('/', authority);
            int query = target.indexOf('?', authority);
            path = slash < 0 || (query >= 0 && query < slash) ? "/" : target.substring(slash);
        } else {
            throw new HttpException(400, "only origin-form and absolute-form targets are served");
        }
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        if (path.indexOf('#') >= 0) {
            throw new HttpException(400, "fragment in the request target");
        }
        String lower = path.toLowerCase();
        if (path.indexOf('\\') >= 0 || lower.contains("%2f") || lower.contains("%5c")) {
            throw new HttpException(403, "encoded slash or backslash in the path");
        }
        List<String> segments = new ArrayList<>();
        for (String raw : path.split("/")) {
            String segment = decode(raw);
            if (segment.equals("..")) {
                throw new HttpException(403, "'..' segment in the path");
            }
            if (!segment.isEmpty() && !segment.equals(".")) {
                segments.add(segment);
            }
        }
        return new RequestPath(path, List.copyOf(segments));
    }

    /** Whether the path names a directory ({@code /} or ends with a slash). */
    boolean endsWithSlash() {
        return rawPath.endsWith("/");
    }

    /** The decoded path, {@code /} joined. */
    String decodedPath() {
        return "/" + String.join("/", segments) + (endsWithSlash() && !segments.isEmpty() ? "/" : "");
    }

    private static String decode(String raw) throws HttpException {
        if (raw.indexOf('%') < 0) {
            return checkChars(raw);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c != '%') {
                bytes.write(c);
                continue;
            }
            int hi = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
            int lo = hi < 0 ? -1 : Character.digit(raw.charAt(i + 2), 16);
            if (lo < 0) {
                throw new HttpException(400, "malformed percent-encoding in the path");
            }
            bytes.write(hi * 16 + lo);
            i += 2;
        }
        try {
            return checkChars(UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString());
        } catch (CharacterCodingException e) {
            throw new HttpException(400, "path is not UTF-8");
        }
    }

    private static String checkChars(String segment) throws HttpException {
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                throw new HttpException(400, "control character in the path");
            }
            if (c == '\\' || c == '/') {
                throw new HttpException(403, "encoded slash or backslash in the path");
            }
        }
        return segment;
    }

    private static boolean startsWithIgnoreCase(String s, String prefix) {
        return s.regionMatches(true, 0, prefix, 0, prefix.length());
    }
}
