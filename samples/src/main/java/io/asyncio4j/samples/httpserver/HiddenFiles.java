package io.asyncio4j.samples.httpserver;

/**
 * Which files count as hidden: those whose name, or the name of a directory on their path, starts with a dot
 * ({@code .git/config}, {@code .env}), as {@code ls} and the shells treat them. Unless told otherwise the server
 * answers 404 for them, as if they were absent, and leaves them out of directory listings.
 */
final class HiddenFiles {

    private HiddenFiles() {
    }

    /** Whether a file or directory name is hidden. */
    static boolean isHidden(String name) {
        return name.startsWith(".");
    }

    /** Whether any of the names of a path (its segments, or a relative {@link java.nio.file.Path}) is hidden. */
    static boolean onPath(Iterable<?> names) {
        for (Object name : names) {
            if (isHidden(name.toString())) {
                return true;
            }
        }
        return false;
    }
}
