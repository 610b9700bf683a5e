package io.asyncio4j.nio;

import java.util.concurrent.Executor;

/**
 * The executor a connection's state belongs to, as a Netty channel's belongs to its event loop: tasks run one at a
 * time in submission order, and a task submitted from inside a running task is queued behind it, never run nested,
 * so chains of completions do not grow the stack. Code that finds itself {@linkplain #inExecutor() on the executor}
 * touches the connection's state directly; any other thread submits a task.
 *
 * <p>Two shapes fit: {@link SerialExecutor}, where whichever thread finds the executor idle runs its tasks (the
 * NIO.2 group's completion threads, or a caller from outside), and a selector loop's thread, which is the
 * executor of every connection it serves: an operation called on that thread takes effect at once, one called
 * from any other is queued to it, and the end of a batch is the end of the loop's round.
 */
interface ConnectionExecutor extends Executor {

    /**
     * Whether the calling thread is running this executor's tasks now.
     *
     * @return {@code true} on the executor: the connection's state may be touched directly
     */
    boolean inExecutor();

    /**
     * Runs {@code task} for a thread that must get back to its own work soon: a listener's accept thread starting a
     * handler, any thread calling a connection's operation from outside. An executor that runs tasks on whichever
     * thread finds it idle may run {@code task} here, handing what others submit meanwhile to {@code handoff}; a
     * loop thread's executor queues it as {@link #execute} does.
     *
     * @param task    what to run on the executor
     * @param handoff where to drain tasks that arrive while the calling thread runs {@code task}
     */
    void executeFromOutside(Runnable task, Executor handoff);

    /**
     * From a running task only: runs {@code task} after the tasks other threads have submitted so far, where
     * {@link #execute} would run it before them. A close called from a callback then still sends what another
     * thread wrote just before.
     *
     * @param task what to run
     */
    void executeAfterSubmitted(Runnable task);

    /**
     * Sets what runs at the end of a batch, once the tasks queued so far are done and only if {@link #runWhenIdle()}
     * asked for it: the connection sends there, in one write, what its callbacks wrote during the batch, then issues
     * its next raw read. Set once, before any task runs.
     *
     * @param hook the end-of-batch hook
     */
    void idleHook(Runnable hook);

    /** From a running task only: has the {@linkplain #idleHook idle hook} run once the queued tasks are done. */
    void runWhenIdle();
}
