package io.asyncio4j.nio;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The thread of a selector loop, without the selector: one thread of its own runs the tasks of every connection it
 * serves, in submission order, whoever submits them; nothing runs on a caller's thread. Each connection gets its
 * {@link ConnectionExecutor} from {@link #newExecutor()}. The end of a batch is the moment the queue runs dry: the
 * idle hooks asked for meanwhile run then, in the order they were asked for.
 */
final class LoopThread implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LoopThread.class);

    private final LinkedBlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
    /** The loop thread's: the executors whose idle hook is due once the queue runs dry. */
    private final ArrayDeque<OnLoop> idleDue = new ArrayDeque<>();
    private final Thread thread;
    private volatile boolean closed;

    LoopThread(String name, long stackSize) {
        thread = new Thread(null, this::loop, name, stackSize);
        thread.setDaemon(true);
        thread.start();
    }

    /** The executor of one more connection served by this thread. */
    ConnectionExecutor newExecutor() {
        return new OnLoop();
    }

    private void loop() {
        while (!closed) {
            Runnable task;
            try {
                task = tasks.take();
            } catch (InterruptedException e) {
                continue; // close() interrupts; the loop condition ends it
            }
            runSafely(task);
            while (true) {
                Runnable next;
                while ((next = tasks.poll()) != null) {
                    runSafely(next);
                }
                OnLoop due = idleDue.poll();
                if (due == null) {
                    break;
                }
                due.idleRequested = false;
                runSafely(due.idleHook);
            }
        }
    }

    private static void runSafely(Runnable task) {
        try {
            task.run();
        } catch (Throwable t) {
            log.error("task failed on a loop thread", t); // one connection's bug must not stop the others
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }

    /** One connection's view of the loop: its own idle hook, the loop's thread and queue. */
    private final class OnLoop implements ConnectionExecutor {

        /** The loop thread's. */
        private Runnable idleHook;
        private boolean idleRequested;

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
            if (!idleRequested) {
                idleRequested = true;
                idleDue.add(this);
            }
        }
    }
}
