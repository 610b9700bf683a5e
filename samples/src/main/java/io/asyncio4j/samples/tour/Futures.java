package io.asyncio4j.samples.tour;

import io.asyncio4j.AsyncFuture;

import java.io.PrintStream;
import java.time.Duration;

/** Futures completed with a result, awaited, and their done callbacks. */
final class Futures {

    private Futures() {
    }

    private static void markDone(PrintStream out, AsyncFuture<String> future, String result) {
        out.println("setting future result to " + Py.repr(result));
        future.complete(result);                                          // future.set_result(result)
    }

    /** A callback sets the future's result; run_until_complete waits for the future. */
    static void future(PrintStream out) {
        AsyncFuture<String> allDone = new AsyncFuture<>();
        TourLoop loop = new TourLoop();
        try {
            out.println("scheduling mark_done");
            loop.callSoon(() -> markDone(out, allDone, "the result"));
            out.println("entering event loop");
            String result = loop.runUntilComplete(() -> allDone);
            out.println("returned result: " + Py.repr(result));
        } finally {
            out.println("closing event loop");
            loop.close();
        }
        out.println("future result: " + Py.repr(allDone.join()));
    }

    /** The same future awaited inside a coroutine. */
    static void futureAwait(PrintStream out) {
        try (TourLoop loop = new TourLoop()) {
            loop.runUntilComplete(() -> {
                AsyncFuture<String> allDone = new AsyncFuture<>();
                out.println("scheduling mark_done");
                loop.callSoon(() -> markDone(out, allDone, "the result"));
                return allDone.thenAccept(result -> out.println("returned result: " + Py.repr(result)));
            });
        }
    }

    /** Done callbacks run in registration order, each given the future's outcome. */
    static void doneCallbacks(PrintStream out) {
        try (TourLoop loop = new TourLoop()) {
            AsyncFuture<String> allDone = new AsyncFuture<>();
            loop.runUntilComplete(() -> registerCallbacks(out, allDone).thenRun(() -> {
                out.println("setting result of future");
                allDone.complete("the result");
            }));
        }
    }

    private static AsyncFuture<Void> registerCallbacks(PrintStream out, AsyncFuture<String> allDone) {
        out.println("registering callbacks on future");
        allDone.addDoneCallback((result, failure) -> out.println("1: future done: " + result));
        allDone.addDoneCallback((result, failure) -> out.println("2: future done: " + result));
        return AsyncFuture.completed(null);
    }

    /** A scheduled coroutine sets the future the loop waits for. */
    static void futureCoroutine(PrintStream out) {
        try (TourLoop loop = new TourLoop()) {
            AsyncFuture<String> future = new AsyncFuture<>();
            loop.createTask("slow_operation()", () -> loop.sleep(Duration.ofSeconds(1))   // ensure_future(...)
                    .thenRun(() -> future.complete("Future is done!")));
            loop.runUntilComplete(() -> future);
            out.println(future.join());
        }
    }
}
