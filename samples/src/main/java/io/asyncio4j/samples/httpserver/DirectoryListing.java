package io.asyncio4j.samples.httpserver;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * The HTML page listing a directory: names escaped, links percent-encoded, at most a bounded number of entries,
 * hidden ones left out unless they are served.
 */
final class DirectoryListing {

    /** The most entries listed; a larger directory gets a truncated listing. */
    static final int MAX_ENTRIES = 10_000;

    private DirectoryListing() {
    }

    static byte[] render(Path dir, String title, boolean withHidden) throws IOException {
        List<String> names = new ArrayList<>();
        boolean truncated = false;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                if (!withHidden && HiddenFiles.isHidden(entry.getFileName().toString())) {
                    continue;
                }
                if (names.size() == MAX_ENTRIES) {
                    truncated = true;
                    break;
                }
                names.add(entry.getFileName().toString() + (Files.isDirectory(entry) ? "/" : ""));
            }
        }
        names.sort(null);
        StringBuilder html = new StringBuilder(256 + names.size() * 64);
        html.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Index of ")
                .append(escape(title)).append("</title></head>\n<body><h1>Index of ").append(escape(title))
                .append("</h1>\n<ul>\n<li><a href=\"../\">../</a></li>\n");
        for (String name : names) {
            html.append("<li><a href=\"").append(escape(encode(name))).append("\">").append(escape(name))
                    .append("</a></li>\n");
        }
        if (truncated) {
            html.append("<li>(first ").append(MAX_ENTRIES).append(" entries)</li>\n");
        }
        return html.append("</ul>\n</body></html>\n").toString().getBytes(UTF_8);
    }

    /** HTML text and attribute escaping. */
    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** Percent-encodes a relative link, keeping unreserved characters and a trailing slash. */
    static String encode(String name) {
        StringBuilder out = new StringBuilder(name.length() + 16);
        byte[] bytes = name.getBytes(UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xFF;
            boolean unreserved = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')
                    || b == '-' || b == '.' || b == '_' || b == '~' || (b == '/' && i == bytes.length - 1);
            if (unreserved) {
                out.append((char) b);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 15, 16)));
            }
        }
        return out.toString();
    }
}
