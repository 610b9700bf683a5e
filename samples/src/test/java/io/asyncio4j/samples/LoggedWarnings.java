package io.asyncio4j.samples;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Collects what is logged at WARN or above while attached: a connection handler that fails (instead of ending a
 * connection cleanly) logs a warning before the server aborts the connection.
 */
public final class LoggedWarnings implements AutoCloseable {

    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            if (event.getLevel().isGreaterOrEqual(Level.WARN)) {
                messages.add(event.getLoggerName() + ": " + event.getFormattedMessage()
                        + (event.getThrowableProxy() == null ? "" : " (" + event.getThrowableProxy().getClassName()
                        + ": " + event.getThrowableProxy().getMessage() + ")"));
            }
        }
    };

    private LoggedWarnings() {
    }

    /**
     * Starts collecting from the root logger.
     *
     * @return the collector; close it to stop
     */
    public static LoggedWarnings attach() {
        LoggedWarnings w = new LoggedWarnings();
        w.appender.start();
        root().addAppender(w.appender);
        return w;
    }

    /**
     * Returns the warnings collected so far and forgets them.
     *
     * @return logger name, message and exception of each warning, oldest first
     */
    public List<String> drain() {
        List<String> all = List.copyOf(messages);
        messages.removeAll(all);
        return all;
    }

    /** Stops collecting. */
    @Override
    public void close() {
        root().detachAppender(appender);
        appender.stop();
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }
}
