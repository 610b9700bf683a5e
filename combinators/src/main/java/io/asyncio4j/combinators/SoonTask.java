package io.asyncio4j.combinators;

import java.util.concurrent.FutureTask;

/**
 * A task handed straight to a timer's callback executor ({@link Async#callSoon}) that can still be cancelled
 * until it starts. Unlike a plain {@link FutureTask} it does not swallow the task's exception: it reports it to
 * the running thread's uncaught-exception handler, as a task scheduled on the timer would.
 */
final class SoonTask extends FutureTask<Void> implements TimerHandle.Cancellable {

    SoonTask(Runnable task) {
        super(task, null);
    }

    @Override
    public boolean cancel() {
        return cancel(false);
    }

    @Override
    protected void setException(Throwable failure) {
        super.setException(failure);
        Thread t = Thread.currentThread();
        t.getUncaughtExceptionHandler().uncaughtException(t, failure);
    }
}
