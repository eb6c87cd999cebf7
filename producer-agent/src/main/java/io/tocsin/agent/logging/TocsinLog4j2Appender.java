package io.tocsin.agent.logging;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.Core;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.config.plugins.PluginAttribute;
import org.apache.logging.log4j.core.config.plugins.PluginFactory;

/**
 * Log4j2 appender: ERROR events with a throwable go to the installed agent.
 * {@code <Configuration packages="io.tocsin.agent.logging"> … <Tocsin name="tocsin"/>}.
 */
@Plugin(name = "Tocsin", category = Core.CATEGORY_NAME, elementType = Appender.ELEMENT_TYPE)
public final class TocsinLog4j2Appender extends AbstractAppender {

    private TocsinLog4j2Appender(String name) {
        super(name, null, null, true, Property.EMPTY_ARRAY);
    }

    @PluginFactory
    public static TocsinLog4j2Appender create(@PluginAttribute("name") String name) {
        return new TocsinLog4j2Appender(name == null ? "tocsin" : name);
    }

    @Override
    public void append(LogEvent event) {
        if (event.getLevel().isMoreSpecificThan(Level.ERROR) && event.getThrown() != null) {
            LoggedError.report(event.getThrown(), event.getLoggerName());
        }
    }
}
