package io.tocsin.app;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import io.tocsin.config.LogFormat;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Switches the stderr log lines to the configured {@link LogFormat} once the config is read. logback.xml writes text;
 * for {@code json} its console appender is replaced by one with logback's {@link JsonEncoder}: one object a line, with
 * the formatted message and the key-value pairs of the fluent API ({@code kvpList}) as fields.
 */
final class ConsoleLogging {

    private ConsoleLogging() {
    }

    static void use(LogFormat format) {
        if (format != LogFormat.JSON || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        List<ConsoleAppender<ILoggingEvent>> consoles = new ArrayList<>();
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            if (it.next() instanceof ConsoleAppender<ILoggingEvent> console) {
                consoles.add(console);
            }
        }
        for (ConsoleAppender<ILoggingEvent> old : consoles) {
            root.addAppender(jsonConsole(context, old));
            root.detachAppender(old);
            old.stop();
        }
    }

    private static ConsoleAppender<ILoggingEvent> jsonConsole(LoggerContext context, ConsoleAppender<ILoggingEvent> like) {
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(context);
        encoder.setWithContext(false);
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.setWithMessage(false);
        encoder.setWithArguments(false);
        encoder.setWithFormattedMessage(true);
        encoder.start();
        ConsoleAppender<ILoggingEvent> json = new ConsoleAppender<>();
        json.setContext(context);
        json.setName(like.getName() + "-json");
        json.setTarget(like.getTarget());
        json.setEncoder(encoder);
        json.start();
        return json;
    }
}
