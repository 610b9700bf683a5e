package io.asyncio4j.samples.tour;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each recipe against the output of the asyncio program it rebuilds. Normalised: task descriptions lose the file
 * positions ({@code running at asyncio_create_task.py:12}); where asyncio's order came from a Python set (the
 * start order of phases handed to wait/gather/as_completed, the results of wait's done set) the block is compared
 * in sorted order. Where the asyncio program's code and the output printed beside it disagree (wait-timeout's
 * "cancelling"), the code's strings are used.
 */
class TourTest {

    private static List<String> run(String name) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, UTF_8)) {
            Recipes.named(name).orElseThrow().run(out);
        }
        return bytes.toString(UTF_8).lines().toList();
    }

    /** Sorts each run of consecutive lines starting with "in phase", whose order asyncio took from a set. */
    private static List<String> phasesStartedInAnyOrder(List<String> lines) {
        List<String> result = new ArrayList<>(lines);
        int i = 0;
        while (i < result.size()) {
            int j = i;
            while (j < result.size() && result.get(j).startsWith("in phase")) {
                j++;
            }
            if (j > i) {
                result.subList(i, j).sort(null);
                i = j;
            } else {
                i++;
            }
        }
        return result;
    }

    @Test
    void coroutine() {
        assertThat(run("coroutine")).containsExactly(
                "starting coroutine", "entering event loop", "in coroutine", "closing event loop");
    }

    @Test
    void returnValue() {
        assertThat(run("return-value")).containsExactly("in coroutine", "it returned: 'result'");
    }

    @Test
    void chain() {
        assertThat(run("chain")).containsExactly("in outer", "waiting for result1", "in phase1",
                "waiting for result2", "in phase2", "return value: ('result1', 'result2 derived from result1')");
    }

    @Test
    void callSoon() {
        assertThat(run("call-soon")).containsExactly("entering event loop", "registering callbacks",
                "callback invoked with 1 and default", "callback invoked with 2 and not default",
                "closing event loop");
    }

    @Test
    void callLater() {
        assertThat(run("call-later")).containsExactly("entering event loop", "registering callbacks",
                "callback 3 invoked", "callback 2 invoked", "callback 1 invoked", "closing event loop");
    }

    @Test
    void future() {
        assertThat(run("future")).containsExactly("scheduling mark_done", "entering event loop",
                "setting future result to 'the result'", "returned result: 'the result'", "closing event loop",
                "future result: 'the result'");
    }

    @Test
    void futureAwait() {
        assertThat(run("future-await")).containsExactly("scheduling mark_done",
                "setting future result to 'the result'", "returned result: 'the result'");
    }

    @Test
    void doneCallbacks() {
        assertThat(run("done-callbacks")).containsExactly("registering callbacks on future",
                "setting result of future", "1: future done: the result", "2: future done: the result");
    }

    @Test
    void createTask() {
        assertThat(run("create-task")).containsExactly("creating task",
                "waiting for <Task pending coro=<task_func()>>", "in task_func",
                "task completed <Task finished coro=<task_func()> result='the result'>",
                "return value: 'the result'");
    }

    @Test
    void cancelBeforeStart() {
        assertThat(run("cancel-before-start")).containsExactly("creating task", "canceling task",
                "canceled task <Task cancelling coro=<task_func()>>", "caught error from canceled task");
    }

    @Test
    void cancelWhileWaiting() {
        assertThat(run("cancel-while-waiting")).containsExactly("creating task", "in task_func, sleeping",
                "in task_canceller", "canceled the task", "task_func was canceled",
                "main() also sees task as canceled");
    }

    @Test
    void ensureFuture() {
        assertThat(run("ensure-future")).containsExactly("entering event loop", "starter: creating task",
                "starter: waiting for inner", "inner: starting", "inner: waiting for <Task pending coro=<wrapped()>>",
                "wrapped", "inner: task returned 'result'", "starter: inner returned");
    }

    @Test
    void waitForAll() {
        List<String> lines = run("wait");
        assertThat(lines.subList(0, 8)).containsExactly("starting main", "waiting for phases to complete",
                "in phase 0", "in phase 1", "in phase 2", "done with phase 0", "done with phase 1",
                "done with phase 2");
        assertThat(lines).hasSize(9);
        // results come from wait's done set: any order
        assertThat(lines.get(8)).startsWith("results: [").contains("'phase 0 result'", "'phase 1 result'",
                "'phase 2 result'");
    }

    @Test
    void waitWithTimeoutThenCancelTheRest() {
        assertThat(phasesStartedInAnyOrder(run("wait-timeout"))).containsExactly("starting main",
                "waiting 0.1 for phases to complete", "in phase 0", "in phase 1", "in phase 2", "done with phase 0",
                "1 completed and 2 pending", "canceling tasks", "exiting main", "phase 1 canceled",
                "phase 2 canceled");
    }

    @Test
    void gather() {
        assertThat(phasesStartedInAnyOrder(run("gather"))).containsExactly("starting main",
                "waiting for phases to complete", "in phase1", "in phase2", "done with phase2", "done with phase1",
                "results: ['phase1 result', 'phase2 result']");
    }

    @Test
    void asCompleted() {
        assertThat(phasesStartedInAnyOrder(run("as-completed"))).containsExactly("starting main",
                "waiting for phases to complete", "in phase 0", "in phase 1", "in phase 2", "done with phase 2",
                "received answer 'phase 2 result'", "done with phase 1", "received answer 'phase 1 result'",
                "done with phase 0", "received answer 'phase 0 result'",
                "results: ['phase 2 result', 'phase 1 result', 'phase 0 result']");
    }

    @Test
    void lock() {
        assertThat(run("lock")).containsExactly("acquiring the lock before starting coroutines",
                "lock acquired: True", "waiting for coroutines", "coro1 waiting for the lock",
                "coro2 waiting for the lock", "callback releasing lock", "coro1 acquired lock",
                "coro1 released lock", "coro2 acquired lock", "coro2 released lock");
    }

    /** The queue resumes its waiters through the tour's loop, as asyncio's does: asyncio's lines, in its order. */
    @Test
    void queue() {
        assertThat(run("queue")).containsExactly("consumer 0: starting", "consumer 0: waiting for item",
                "consumer 1: starting", "consumer 1: waiting for item", "producer: starting",
                "producer: added task 0 to the queue", "producer: added task 1 to the queue",
                "consumer 0: has item 0", "consumer 1: has item 1", "producer: added task 2 to the queue",
                "producer: added task 3 to the queue", "consumer 0: waiting for item", "consumer 0: has item 2",
                "producer: added task 4 to the queue", "consumer 1: waiting for item", "consumer 1: has item 3",
                "producer: added task 5 to the queue", "producer: adding stop signals to the queue",
                "consumer 0: waiting for item", "consumer 0: has item 4", "consumer 1: waiting for item",
                "consumer 1: has item 5", "producer: waiting for queue to empty", "consumer 0: waiting for item",
                "consumer 0: has item None", "consumer 0: ending", "consumer 1: waiting for item",
                "consumer 1: has item None", "consumer 1: ending", "producer: ending");
    }

    @Test
    void futureCoroutine() {
        assertThat(run("future-coroutine")).containsExactly("Future is done!");
    }

    @Test
    void tasksWait() {
        assertThat(run("tasks-wait")).containsExactlyElementsOf(IntStream.range(0, 5).boxed()
                .flatMap(i -> IntStream.range(0, 2).mapToObj(n -> "process task: " + n + " iter: " + i)).toList());
    }

    @Test
    void tasksGather() {
        assertThat(run("tasks-gather")).containsExactlyElementsOf(IntStream.range(0, 5).boxed()
                .flatMap(i -> IntStream.of(10, 20).mapToObj(n -> "process task: " + n + " iter: " + i)).toList());
    }

    @Test
    void runInExecutor() {
        assertThat(run("run-in-executor")).containsExactly("229");
    }

    @Test
    void threadPoolResultsAsTheyComplete() {
        assertThat(run("thread-pool")).containsExactlyInAnyOrder("0", "1", "4", "9", "16", "25", "36", "49", "64",
                "81");
    }

    @Test
    void threadQueueProcessesEveryItemOnceInQueueOrderPerWorker() {
        List<String> lines = run("thread-queue");
        assertThat(lines).hasSize(50).allMatch(l -> l.matches("process data: [12] \\d+"));
        assertThat(lines).extracting(l -> Integer.parseInt(l.substring(l.lastIndexOf(' ') + 1)))
                .containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.range(0, 50).boxed().toList());
        for (String worker : List.of("1", "2")) {
            List<Integer> mine = lines.stream().filter(l -> l.startsWith("process data: " + worker + " "))
                    .map(l -> Integer.parseInt(l.substring(l.lastIndexOf(' ') + 1))).toList();
            assertThat(mine).isSorted();
        }
    }

    @Test
    void withoutARecipeListsThemAll() {
        TourCommand command = new TourCommand();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        command.out = new PrintStream(bytes, true, UTF_8);

        assertThat(command.call()).isZero();

        List<String> lines = bytes.toString(UTF_8).lines().toList();
        assertThat(lines).hasSize(Recipes.all().size());
        for (int i = 0; i < lines.size(); i++) {
            Recipes.Recipe r = Recipes.all().get(i);
            assertThat(lines.get(i)).startsWith(r.name() + " ").endsWith(r.description());
        }
        assertThat(Recipes.all()).extracting(Recipes.Recipe::name).contains("chain", "call-soon", "call-later",
                "future", "done-callbacks", "create-task", "cancel-before-start", "cancel-while-waiting",
                "ensure-future", "wait", "wait-timeout", "gather", "as-completed", "lock", "queue",
                "run-in-executor", "thread-pool", "thread-queue");
    }

    @Test
    void anUnknownRecipeIsAnError() {
        TourCommand command = new TourCommand();
        command.recipe = "no-such-recipe";
        assertThat(command.call()).isEqualTo(2);
    }
}
