package io.asyncio4j.nio;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A {@link ConnectionExecutor} shaped like a selector loop's: one thread of its own runs every task, in submission
 * order, whoever submits it; the end of a batch is the moment its queue runs dry, when the idle hook runs if it was
 * asked for. Nothing runs on a caller's thread.
 */
final class LoopThreadExecutor implements ConnectionExecutor, AutoCloseable {

    private final LinkedBlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
    private final Thread thread;
    /** The loop thread's. */
    private Runnable idleHook;
    private boolean idleRequested;
    private volatile boolean closed;

    LoopThreadExecutor(String name) {
        thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    String threadName() {
        return thread.getName();
    }

    private void loop() {
        while (!closed) {
            Runnable task;
            try {
                task = tasks.take();
            } catch (InterruptedException e) {
                continue; // close() interrupts; the loop condition ends it
            }
            task.run();
            while (true) {
                Runnable next;
                while ((next = tasks.poll()) != null) {
                    next.run();
                }
                if (!idleRequested) {
                    break;
                }
                idleRequested = false;
                idleHook.run();
            }
        }
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
    }

    @Override
    public boolean inExecutor() {
        return Thread.currentThread() == thread;
    }

    @Override
    public void executeFromOutside(Runnable task, Executor handoff) {
        tasks.add(task);
    }

    @Override
    public void executeAfterSubmitted(Runnable task) {
        tasks.add(task); // one queue for every thread: whatever was submitted before is ahead of it
    }

    @Override
    public void idleHook(Runnable hook) {
        this.idleHook = hook;
    }

    @Override
    public void runWhenIdle() {
        idleRequested = true;
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
