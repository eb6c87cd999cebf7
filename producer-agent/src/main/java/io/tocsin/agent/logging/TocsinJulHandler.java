package io.tocsin.agent.logging;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * java.util.logging handler: SEVERE records with a throwable go to the installed agent. Add it with
 * {@code handlers=io.tocsin.agent.logging.TocsinJulHandler} in logging.properties, or {@code Logger.getLogger("").addHandler(…)}.
 */
public final class TocsinJulHandler extends Handler {

    @Override
    public void publish(LogRecord record) {
        if (record != null && record.getThrown() != null && record.getLevel().intValue() >= Level.SEVERE.intValue()) {
            LoggedError.report(record.getThrown(), record.getLoggerName());
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
