package io.asyncio4j.samples.tour;

import io.asyncio4j.AsyncFuture;

import java.io.PrintStream;
import java.util.function.Supplier;

/** A coroutine run by the loop, its return value, and coroutines chained with await. */
final class Coroutines {

    private Coroutines() {
    }

    /** Creating the coroutine does not run it; the loop does. */
    static void coroutine(PrintStream out) {
        TourLoop loop = new TourLoop();
        try {
            out.println("starting coroutine");
            Supplier<AsyncFuture<Void>> coro = () -> {   // this does NOT run the body
                out.println("in coroutine");
                return AsyncFuture.completed(null);
            };
            out.println("entering event loop");
            loop.runUntilComplete(coro);
        } finally {
            out.println("closing event loop");
            loop.close();
        }
    }

    /** run_until_complete returns what the coroutine returned. */
    static void returnValue(PrintStream out) {
        try (TourLoop loop = new TourLoop()) {
            String returnValue = loop.runUntilComplete(() -> {
                out.println("in coroutine");
                return AsyncFuture.completed("result");
            });
            out.println("it returned: " + Py.repr(returnValue));
        }
    }

    /** outer awaits phase1, then phase2 with phase1's result. */
    static void chain(PrintStream out) {
        try (TourLoop loop = new TourLoop()) {
            String returnValue = loop.runUntilComplete(() -> outer(out));
            out.println("return value: " + returnValue);
        }
    }

    private static AsyncFuture<String> outer(PrintStream out) {
        out.println("in outer");
        out.println("waiting for result1");
        return phase1(out).thenCompose(result1 -> {
            out.println("waiting for result2");
            return phase2(out, result1).thenApply(result2 -> Py.tuple(result1, result2));
        });
    }

    private static AsyncFuture<String> phase1(PrintStream out) {
        out.println("in phase1");
        return AsyncFuture.completed("result1");
    }

    private static AsyncFuture<String> phase2(PrintStream out, String arg) {
        out.println("in phase2");
        return AsyncFuture.completed("result2 derived from " + arg);
    }
}
