package io.asyncio4j.samples.tour;

import java.io.PrintStream;
import java.time.Duration;

/** Callbacks scheduled on the loop: {@code call_soon} runs them in order, {@code call_later} by deadline. */
final class Callbacks {

    private Callbacks() {
    }

    /** Callbacks scheduled with call_soon run in order once main yields. */
    static void callSoon(PrintStream out) {
        TourLoop loop = new TourLoop();
        try {
            out.println("entering event loop");
            loop.runUntilComplete(() -> {
                out.println("registering callbacks");
                loop.callSoon(() -> callback(out, 1, "default"));
                loop.callSoon(() -> callback(out, 2, "not default"));   // functools.partial(kwarg=...)
                return loop.sleep(Duration.ofMillis(100));
            });
        } finally {
            out.println("closing event loop");
            loop.close();
        }
    }

    private static void callback(PrintStream out, int arg, String kwarg) {
        out.println("callback invoked with " + arg + " and " + kwarg);
    }

    /** call_later runs callbacks by deadline, and a call_soon callback before all of them. */
    static void callLater(PrintStream out) {
        TourLoop loop = new TourLoop();
        try {
            out.println("entering event loop");
            loop.runUntilComplete(() -> {
                out.println("registering callbacks");
                loop.callLater(Duration.ofMillis(200), () -> out.println("callback 1 invoked"));
                loop.callLater(Duration.ofMillis(100), () -> out.println("callback 2 invoked"));
                loop.callSoon(() -> out.println("callback 3 invoked"));
                return loop.sleep(Duration.ofMillis(400));
            });
        } finally {
            out.println("closing event loop");
            loop.close();
        }
    }
}
