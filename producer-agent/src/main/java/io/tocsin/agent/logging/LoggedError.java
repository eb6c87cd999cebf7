package io.tocsin.agent.logging;

import io.tocsin.agent.Capture;
import io.tocsin.agent.TocsinAgent;
import java.util.Map;

/** What every logging integration does with an ERROR record that carries a throwable: hand it to the installed agent. */
final class LoggedError {

    private LoggedError() {
    }

    static void report(Throwable thrown, String loggerName) {
        TocsinAgent agent = TocsinAgent.installed();
        if (agent != null && thrown != null) {
            agent.capture(thrown, Capture.NONE.withTags(Map.of("logger", loggerName == null ? "" : loggerName)));
        }
    }
}
