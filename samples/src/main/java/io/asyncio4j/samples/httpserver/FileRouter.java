package io.asyncio4j.samples.httpserver;

import io.asyncio4j.samples.http.HeadWriter;
import io.asyncio4j.samples.http.HttpDate;
import io.asyncio4j.samples.http.HttpException;
import io.asyncio4j.samples.http.HttpHeaders;
import io.asyncio4j.samples.http.RequestHead;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ExecutorService;

/**
 * Chooses the response to a request whose body has been read: for GET and HEAD, {@code /plaintext}, a file, a
 * directory's {@code index.html} or listing, a redirect to a directory's slash, or an error; 405 for the other
 * known methods and 501 for unknown ones. Shared by every connection of a server.
 */
final class FileRouter {

    private static final Logger log = LoggerFactory.getLogger(FileRouter.class);

    private static final Set<String> KNOWN_METHODS =
            Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT");

    private final RootConfinement root;
    private final StaticFileServer.Settings settings;
    private final ExecutorService fileReads;

    /**
     * @param root      where the files come from
     * @param fileReads runs the blocking reads of the files served
     */
    FileRouter(RootConfinement root, StaticFileServer.Settings settings, ExecutorService fileReads) {
        this.root = root;
        this.settings = settings;
        this.fileReads = fileReads;
    }

    /** The response to {@code head}, made by {@code out}; nothing is queued yet. */
    Response route(RequestHead head, ResponseWriter out) {
        boolean keepAlive = head.keepAlive();
        if (head.method().equals("GET") || head.method().equals("HEAD")) {
            return get(head, keepAlive, out);
        }
        if (KNOWN_METHODS.contains(head.method())) {
            return out.error(405, head, keepAlive, new HttpHeaders().add("Allow", "GET, HEAD"));
        }
        return out.error(501, head, keepAlive, new HttpHeaders());
    }

    /** GET or HEAD: {@code /plaintext}, a file, a directory's index.html or listing, or an error. */
    private Response get(RequestHead head, boolean keepAlive, ResponseWriter out) {
        if (PlaintextResponse.isShared(head, keepAlive)) {
            return out.whole(PlaintextResponse.current(settings.clock), true);
        }
        try {
            RequestPath path = RequestPath.parse(head.target());
            if (path.decodedPath().equals(PlaintextResponse.PATH)) {
                return out.small(200, head, keepAlive, new HttpHeaders().add("Content-Type", "text/plain"),
                        PlaintextResponse.BODY);
            }
            Path file = root.resolve(path);
            if (Files.isDirectory(file)) {
                if (!path.endsWithSlash()) {
                    return out.small(301, head, keepAlive, new HttpHeaders().add("Location", path.rawPath() + "/")
                            .add("Content-Type", "text/plain; charset=utf-8"), ResponseWriter.statusBody(301));
                }
                Path index = file.resolve("index.html");
                if (!Files.isRegularFile(index)) {
                    return out.small(200, head, keepAlive,
                            new HttpHeaders().add("Content-Type", "text/html; charset=utf-8"),
                            DirectoryListing.render(file, path.decodedPath(), settings.hiddenFiles));
                }
                file = root.servable(index.toRealPath());
            }
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                throw new HttpException(403, "not a readable regular file");
            }
            return file(head, keepAlive, file, out);
        } catch (HttpException e) {
            return out.error(e.status(), head, keepAlive, new HttpHeaders());
        } catch (NoSuchFileException e) {
            return out.error(404, head, keepAlive, new HttpHeaders());
        } catch (IOException e) {
            log.debug("{}: {} refused: {}", out.connection().remoteAddress(), head.target(), e.toString());
            return out.error(403, head, keepAlive, new HttpHeaders());
        }
    }

    /**
     * A regular file: 304 if the request's conditions say the client's copy is current (for HEAD too), else 206
     * with the one byte range a GET asks for, 416 if that range is past the end, or 200 with the whole file. Range
     * is ignored for HEAD (RFC 9110 §14.2 defines it for GET only), with If-Range (not implemented; ignoring
     * Range is always allowed) and when sent twice.
     */
    private Response file(RequestHead head, boolean keepAlive, Path file, ResponseWriter out) throws IOException {
        boolean withBody = head.method().equals("GET");
        HttpHeaders request = head.headers();
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        long size = attributes.size();
        Instant now = settings.clock.instant();
        Validators validators = Validators.of(size, attributes.lastModifiedTime(), now);
        String lastModified = HttpDate.format(validators.lastModified());
        if (validators.notModified(request, now)) {
            HttpHeaders headers = new HttpHeaders().add("Last-Modified", lastModified)
                    .add("ETag", validators.etag());
            return out.whole(HeadWriter.response(304, ResponseWriter.connectionField(headers, head, keepAlive), now),
                    keepAlive);
        }
        ByteRange range = null;
        if (withBody && request.count("Range") == 1 && !request.contains("If-Range")) {
            try {
                range = ByteRange.parse(request.get("Range"), size);
            } catch (HttpException unsatisfiable) {
                return out.error(416, head, keepAlive,
                        new HttpHeaders().add("Content-Range", ByteRange.unsatisfiedRange(size)));
            }
        }
        long from = range == null ? 0 : range.first();
        long length = range == null ? size : range.length();
        HttpHeaders headers = new HttpHeaders()
                .add("Content-Type", ContentTypes.of(file.getFileName().toString()))
                .add("Content-Length", Long.toString(length));
        if (range != null) {
            headers.add("Content-Range", range.contentRange(size));
        }
        headers.add("Last-Modified", lastModified).add("ETag", validators.etag()).add("Accept-Ranges", "bytes");
        byte[] responseHead = HeadWriter.response(range == null ? 200 : 206,
                ResponseWriter.connectionField(headers, head, keepAlive), now);
        if (!withBody) {
            return out.whole(responseHead, keepAlive);
        }
        AsynchronousFileChannel channel = AsynchronousFileChannel.open(file, Set.of(StandardOpenOption.READ),
                fileReads);
        return out.file(responseHead, channel, from, length, keepAlive);
    }
}
