package io.asyncio4j.samples.httpserver;

import io.asyncio4j.samples.http.HttpException;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Keeps every file served inside the root directory: a request path becomes a real path (every symbolic link
 * resolved) only if it stays inside the real root (else 403) and, unless hidden files are served, names no hidden
 * file or directory before or after its links are resolved (else 404, as if absent, so that no visible name leads
 * to a hidden file).
 */
final class RootConfinement {

    private final Path root;
    private final boolean hiddenFiles;

    /**
     * @param root        the real path of the root directory
     * @param hiddenFiles whether hidden files are served
     */
    RootConfinement(Path root, boolean hiddenFiles) {
        this.root = root;
        this.hiddenFiles = hiddenFiles;
    }

    /**
     * The real path of a request path.
     *
     * @throws HttpException 404 for a hidden name, 403 for a path out of the root
     * @throws java.nio.file.NoSuchFileException if nothing is there
     * @throws IOException if the file system cannot resolve the path
     */
    Path resolve(RequestPath path) throws IOException {
        // Checked before the file system is asked, so that a hidden file's absence and presence look the same.
        if (!hiddenFiles && HiddenFiles.onPath(path.segments())) {
            throw new HttpException(404, "hidden file");
        }
        Path candidate = root;
        for (String segment : path.segments()) {
            candidate = candidate.resolve(segment);
        }
        if (!candidate.normalize().startsWith(root)) {
            throw new HttpException(403, "path outside the root");
        }
        return servable(candidate.toRealPath());
    }

    /**
     * Checks that a real path may be served: inside the root and, unless hidden files are served, not hidden.
     *
     * @throws HttpException 403 for a path out of the root, 404 for a hidden one
     */
    Path servable(Path real) throws HttpException {
        if (!real.startsWith(root)) {
            throw new HttpException(403, "path resolves outside the root");
        }
        if (!hiddenFiles && HiddenFiles.onPath(root.relativize(real))) {
            throw new HttpException(404, "path resolves to a hidden file");
        }
        return real;
    }
}
