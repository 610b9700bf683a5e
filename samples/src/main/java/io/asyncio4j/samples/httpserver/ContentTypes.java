package io.asyncio4j.samples.httpserver;

import java.util.Locale;
import java.util.Map;

/** Content-Type by file name extension; {@code application/octet-stream} when unknown. */
final class ContentTypes {

    private static final String UTF8 = "; charset=utf-8";

    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
            Map.entry("html", "text/html" + UTF8), Map.entry("htm", "text/html" + UTF8),
            Map.entry("txt", "text/plain" + UTF8), Map.entry("md", "text/markdown" + UTF8),
            Map.entry("css", "text/css" + UTF8), Map.entry("csv", "text/csv" + UTF8),
            Map.entry("js", "text/javascript" + UTF8), Map.entry("mjs", "text/javascript" + UTF8),
            Map.entry("json", "application/json"), Map.entry("xml", "application/xml"),
            Map.entry("java", "text/plain" + UTF8), Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"), Map.entry("gif", "image/gif"), Map.entry("svg", "image/svg+xml"),
            Map.entry("ico", "image/x-icon"), Map.entry("webp", "image/webp"), Map.entry("pdf", "application/pdf"),
            Map.entry("zip", "application/zip"), Map.entry("gz", "application/gzip"),
            Map.entry("jar", "application/java-archive"), Map.entry("wasm", "application/wasm"),
            Map.entry("mp4", "video/mp4"), Map.entry("mp3", "audio/mpeg"), Map.entry("woff2", "font/woff2"));

    private ContentTypes() {
    }

    static String of(String fileName) {
        int dot = fileName.lastIndexOf('.');
        String ext = dot < 0 ? "" : fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
        return BY_EXTENSION.getOrDefault(ext, "application/octet-stream");
    }
}
