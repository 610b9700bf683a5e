package io.asyncio4j.nio;

import java.io.File;

/** What the process holds, read from /proc, for leak checks. */
final class ResourceCounts {

    private ResourceCounts() {
    }

    static int openFileDescriptors() {
        String[] fds = new File("/proc/self/fd").list();
        if (fds == null) {
            throw new IllegalStateException("/proc/self/fd is not readable on this platform");
        }
        return fds.length;
    }
}
