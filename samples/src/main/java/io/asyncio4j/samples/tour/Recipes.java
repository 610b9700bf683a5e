package io.asyncio4j.samples.tour;

import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** The tour's recipes, from a first coroutine to threads: each prints the lines its asyncio original prints. */
public final class Recipes {

    /**
     * One recipe.
     *
     * @param name        its command-line name
     * @param description one line: what it shows
     * @param body        prints the recipe's lines to the stream it is given
     */
    public record Recipe(String name, String description, Consumer<PrintStream> body) {

        /**
         * Runs the recipe.
         *
         * @param out where its lines go
         */
        public void run(PrintStream out) {
            body.accept(out);
            out.flush();
        }
    }

    private static final List<Recipe> ALL = List.of(
            new Recipe("coroutine", "a coroutine runs only when the loop drives it", Coroutines::coroutine),
            new Recipe("return-value", "run_until_complete returns the coroutine's value", Coroutines::returnValue),
            new Recipe("chain", "chained coroutines: outer awaits phase1, then phase2", Coroutines::chain),
            new Recipe("call-soon", "callbacks scheduled with call_soon run in order", Callbacks::callSoon),
            new Recipe("call-later", "call_later runs callbacks by deadline", Callbacks::callLater),
            new Recipe("future", "a callback sets a future's result; the loop waits for it", Futures::future),
            new Recipe("future-await", "the same future awaited in a coroutine", Futures::futureAwait),
            new Recipe("done-callbacks", "done callbacks run in registration order", Futures::doneCallbacks),
            new Recipe("create-task", "create_task, then await the task", Tasks::createTask),
            new Recipe("cancel-before-start", "a task cancelled before it starts never runs", Tasks::cancelBeforeStart),
            new Recipe("cancel-while-waiting", "cancellation arrives where the task waits", Tasks::cancelWhileWaiting),
            new Recipe("ensure-future", "a task handed to code that awaits it", Tasks::ensureFuture),
            new Recipe("wait", "wait for all phases; done and pending sets", Waiting::waitAll),
            new Recipe("wait-timeout", "wait with a timeout, then cancel the leftovers", Waiting::waitTimeout),
            new Recipe("gather", "gather: results in argument order", Waiting::gather),
            new Recipe("as-completed", "as_completed: answers in completion order", Waiting::asCompleted),
            new Recipe("lock", "a Lock released by a call_later callback, FIFO hand-over", Primitives::lock),
            new Recipe("queue", "a bounded Queue: producer, consumers, task_done and join", Primitives::queue),
            new Recipe("future-coroutine", "a scheduled coroutine sets the future the loop waits for",
                    Futures::futureCoroutine),
            new Recipe("tasks-wait", "two tasks sleeping in turns under wait", Waiting::tasksWait),
            new Recipe("tasks-gather", "the same two tasks under gather", Waiting::tasksGather),
            new Recipe("run-in-executor", "a blocking read on a worker thread, awaited", Threads::runInExecutor),
            new Recipe("thread-pool", "a thread pool's results as they complete", Threads::threadPool),
            new Recipe("thread-queue", "worker threads on a bounded queue, stopped by sentinels",
                    Threads::threadQueue));

    private Recipes() {
    }

    /** @return every recipe, in the tour's order */
    public static List<Recipe> all() {
        return ALL;
    }

    /**
     * Finds a recipe by name.
     *
     * @param name the recipe's name
     * @return the recipe, or empty if there is none by that name
     */
    public static Optional<Recipe> named(String name) {
        return ALL.stream().filter(r -> r.name().equals(name)).findFirst();
    }
}
