package io.tocsin.agent.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxy;
import ch.qos.logback.core.AppenderBase;

/**
 * Logback appender: ERROR events with a throwable go to the installed agent.
 * {@code <appender name="tocsin" class="io.tocsin.agent.logging.TocsinLogbackAppender"/>}.
 */
public final class TocsinLogbackAppender extends AppenderBase<ILoggingEvent> {

    @Override
    protected void append(ILoggingEvent event) {
        if (event.getLevel().isGreaterOrEqual(Level.ERROR) && event.getThrowableProxy() instanceof ThrowableProxy proxy) {
            LoggedError.report(proxy.getThrowable(), event.getLoggerName());
        }
    }
}
