package io.asyncio4j.samples.tour;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.combinators.Async;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;

/** create_task, cancelling before start and while waiting, ensure_future. */
final class Tasks {

    private Tasks() {
    }

    private static AsyncFuture<String> taskFunc(PrintStream out) {
        out.println("in task_func");
        return AsyncFuture.completed("the result");
    }

    private static boolean cancelled(Throwable failure) {
        return failure != null && Async.unwrap(failure) instanceof CancellationException;
    }

    /** The task runs once main awaits it. */
    static void createTask(PrintStream out) {
        try (TourLoop loop = new TourLoop()) {
            loop.runUntilComplete(() -> {
                out.println("creating task");
                Task<String> task = loop.createTask("task_func()", () -> taskFunc(out));
                out.println("waiting for " + task);
                return task.future().thenAccept(returnValue -> {
                    out.println("task completed " + task);
                    out.println("return value: " + Py.repr(returnValue));
                });
            });
        }
    }

    /** A task cancelled before its first step never runs; awaiting it raises CancelledError. */
    static void cancelBeforeStart(PrintStream out) {
        try (TourLoop loop = new TourLoop()) {
            loop.runUntilComplete(() -> {
                out.println("creating task");
                Task<String> task = loop.createTask("task_func()", () -> taskFunc(out));
                out.println("canceling task");
                task.cancel();
                out.println("canceled task " + task);
                return task.future().handle((result, failure) -> {
                    if (cancelled(failure)) {
                        out.println("caught error from canceled task");
                    } else {
                        out.println("task result: " + Py.repr(result));
                    }
                    return null;
                });
            });
        }
    }

    /** Cancelling a sleeping task delivers the cancellation where it waits; it cleans up and re-raises. */
    static void cancelWhileWaiting(PrintStream out) {
        try (TourLoop loop = new TourLoop()) {
            loop.runUntilComplete(() -> {
                out.println("creating task");
                Task<String> task = loop.createTask("task_func()", () -> {
                    out.println("in task_func, sleeping");
                    return loop.sleep(Duration.ofSeconds(1)).handle((slept, failure) -> {
                        if (cancelled(failure)) {
                            out.println("task_func was canceled");
                            throw new CompletionException(Async.unwrap(failure));      // raise
                        }
                        return "the result";
                    });
                });
                loop.callSoon(() -> {                                                  // task_canceller(task)
                    out.println("in task_canceller");
                    task.cancel();
                    out.println("canceled the task");
                });
                return task.future().handle((result, failure) -> {
                    if (cancelled(failure)) {
                        out.println("main() also sees task as canceled");
                    }
                    return null;
                });
            });
        }
    }

    /** A task handed to code that just awaits it; it starts when the awaiting code yields. */
    static void ensureFuture(PrintStream out) {
        try (TourLoop loop = new TourLoop()) {
            out.println("entering event loop");
            loop.runUntilComplete(() -> {
                out.println("starter: creating task");
                Task<String> task = loop.createTask("wrapped()", () -> {
                    out.println("wrapped");
                    return AsyncFuture.completed("result");
                });
                out.println("starter: waiting for inner");
                return inner(out, task).thenRun(() -> out.println("starter: inner returned"));
            });
        }
    }

    private static AsyncFuture<Void> inner(PrintStream out, Task<String> task) {
        out.println("inner: starting");
        out.println("inner: waiting for " + task);
        return task.future().thenAccept(result -> out.println("inner: task returned " + Py.repr(result)));
    }
}
