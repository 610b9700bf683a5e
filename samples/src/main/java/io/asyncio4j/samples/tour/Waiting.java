package io.asyncio4j.samples.tour;

import io.asyncio4j.AsyncFuture;
import io.asyncio4j.combinators.Async;
import io.asyncio4j.combinators.ReturnWhen;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.stream.IntStream;

/** wait, wait with a timeout, gather, as_completed, and tasks taking turns under wait and gather. */
final class Waiting {

    private Waiting() {
    }

    private static List<AsyncFuture<String>> futures(List<Task<String>> tasks) {
        return tasks.stream().map(Task::future).toList();
    }

    /** Wait for every phase; the results come from the set of done tasks. */
    static void waitAll(PrintStream out) {
        try (TourLoop loop = new TourLoop()) {
            loop.runUntilComplete(() -> {
                out.println("starting main");
                List<Task<String>> phases = IntStream.range(0, 3).mapToObj(i -> loop.createTask("phase()", () -> {
                    out.println("in phase " + i);
                    return loop.sleep(Duration.ofMillis(100L * i)).thenApply(slept -> {
                        out.println("done with phase " + i);
                        return "phase " + i + " result";
                    });
                })).toList();
                out.println("waiting for phases to complete");
                return Async.wait(futures(phases), ReturnWhen.ALL_COMPLETED).thenAccept(split -> {
                    List<String> results = split.done().stream().map(AsyncFuture::join).toList();
                    out.println("results: " + Py.repr(results));
                });
            });
        }
    }

    /** Wait at most 0.1 s, then cancel what is still pending. */
    static void waitTimeout(PrintStream out) {
        try (TourLoop loop = new TourLoop()) {
            loop.runUntilComplete(() -> {
                out.println("starting main");
                List<Task<String>> phases = IntStream.range(0, 3).mapToObj(i -> loop.createTask("phase()", () -> {
                    out.println("in phase " + i);
                    return loop.sleep(Duration.ofMillis(100L * i)).handle((slept, failure) -> {
                        if (failure != null && Async.unwrap(failure) instanceof CancellationException) {
                            out.println("phase " + i + " canceled");
                            throw new CompletionException(Async.unwrap(failure));
                        }
                        out.println("done with phase " + i);
                        return "phase " + i + " result";
                    });
                })).toList();
                out.println("waiting 0.1 for phases to complete");
                return Async.wait(futures(phases), ReturnWhen.ALL_COMPLETED, Duration.ofMillis(100), loop.timer())
                        .thenAccept(split -> {
                            out.println(split.done().size() + " completed and " + split.pending().size() + " pending");
                            // Cancel remaining tasks so they do not run on after main gave up on them.
                            if (!split.pending().isEmpty()) {
                                out.println("canceling tasks");
                                phases.stream().filter(t -> split.pending().contains(t.future())).forEach(Task::cancel);
                            }
                            out.println("exiting main");
                        });
            });
        }
    }

    /** gather returns the results in argument order, whatever order the phases finish in. */
    static void gather(PrintStream out) {
        try (TourLoop loop = new TourLoop()) {
            loop.runUntilComplete(() -> {
                out.println("starting main");
                out.println("waiting for phases to complete");
                return Async.gather(List.of(gatherPhase(out, loop, 1, 2), gatherPhase(out, loop, 2, 1)))
                        .thenAccept(results -> out.println("results: " + Py.repr(results)));
            });
        }
    }

    private static AsyncFuture<String> gatherPhase(PrintStream out, TourLoop loop, int n, int seconds) {
        out.println("in phase" + n);
        return loop.sleep(Duration.ofSeconds(seconds)).thenApply(slept -> {
            out.println("done with phase" + n);
            return "phase" + n + " result";
        });
    }

    /** as_completed hands out the answers in the order the phases finish. */
    static void asCompleted(PrintStream out) {
        try (TourLoop loop = new TourLoop()) {
            loop.runUntilComplete(() -> {
                out.println("starting main");
                List<Task<String>> phases = IntStream.range(0, 3).mapToObj(i -> loop.createTask("phase()", () -> {
                    out.println("in phase " + i);
                    return loop.sleep(Duration.ofMillis(500 - 100L * i)).thenApply(slept -> {
                        out.println("done with phase " + i);
                        return "phase " + i + " result";
                    });
                })).toList();
                out.println("waiting for phases to complete");
                List<String> results = new ArrayList<>();
                return Async.forEach(Async.asCompleted(futures(phases)), nextToComplete ->
                        nextToComplete.thenAccept(answer -> {
                            out.println("received answer " + Py.repr(answer));
                            results.add(answer);
                        }))
                        .thenApply(done -> {
                            out.println("results: " + Py.repr(results));
                            return results;
                        });
            });
        }
    }

    private static AsyncFuture<Integer> sleepTask(PrintStream out, TourLoop loop, int num) {
        return Async.repeat(5, i -> {
            out.println("process task: " + num + " iter: " + i);
            return loop.sleep(Duration.ofSeconds(1));
        }).thenApply(done -> num);
    }

    /** Two tasks, each printing and sleeping five times, run together under wait. */
    static void tasksWait(PrintStream out) {
        try (TourLoop loop = new TourLoop()) {
            loop.runUntilComplete(() -> {
                List<AsyncFuture<Integer>> taskList = IntStream.range(0, 2)
                        .mapToObj(i -> loop.createTask("sleep_task()", () -> sleepTask(out, loop, i)).future())
                        .toList();
                return Async.wait(taskList, ReturnWhen.ALL_COMPLETED);
            });
        }
    }

    /** The same with gather, without creating the tasks one by one. */
    static void tasksGather(PrintStream out) {
        try (TourLoop loop = new TourLoop()) {
            loop.runUntilComplete(() -> Async.gather(List.of(sleepTask(out, loop, 10), sleepTask(out, loop, 20))));
        }
    }
}
