package io.tocsin.agent;

import java.lang.instrument.Instrumentation;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code -javaagent:producer-agent.jar=service=orders,environment=prod,bootstrap.servers=HOST:PORT}: starts the agent,
 * installs a default uncaught-exception handler that chains the one already there, and closes the agent (sending a
 * STOPPING heartbeat) at shutdown. A bad argument disables the agent with one line on stderr; the host always starts.
 */
public final class AgentMain {

    private AgentMain() {
    }

    public static void premain(String args, Instrumentation instrumentation) {
        premain(args);
    }

    public static void agentmain(String args, Instrumentation instrumentation) {
        premain(args);
    }

    static void premain(String args) {
        try {
            TocsinAgent agent = TocsinAgent.start(AgentConfig.load(parseArgs(args), System.getProperties(), System.getenv())).install();
            installUncaughtHandler(agent);
            Runtime.getRuntime().addShutdownHook(new Thread(agent::close, "tocsin-agent-shutdown"));
        } catch (Throwable t) {
            System.err.println("tocsin agent disabled: " + t.getMessage());
        }
    }

    static Map<String, String> parseArgs(String args) {
        Map<String, String> out = new LinkedHashMap<>();
        if (args == null || args.isBlank()) {
            return out;
        }
        for (String pair : args.split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("agent argument '" + pair + "' is not key=value");
            }
            out.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return out;
    }

    /**
     * Installs a default handler that reports, then always hands over to the handler that was there before (or does
     * what the JDK does). An application that later sets its own default handler is wrapped again within a second, so
     * its handler runs and the agent still reports.
     */
    static void installUncaughtHandler(TocsinAgent agent) {
        wrapDefaultHandler(agent);
        agent.everySecond(() -> {
            if (!(Thread.getDefaultUncaughtExceptionHandler() instanceof Reporting)) {
                wrapDefaultHandler(agent);
            }
        });
    }

    private static void wrapDefaultHandler(TocsinAgent agent) {
        Thread.setDefaultUncaughtExceptionHandler(new Reporting(agent, Thread.getDefaultUncaughtExceptionHandler()));
    }

    private record Reporting(TocsinAgent agent, Thread.UncaughtExceptionHandler previous) implements Thread.UncaughtExceptionHandler {
        @Override
        public void uncaughtException(Thread thread, Throwable error) {
            agent.capture(error);
            if (previous != null) {
                previous.uncaughtException(thread, error);
            } else {
                System.err.print("Exception in thread \"" + thread.getName() + "\" ");
                error.printStackTrace();
            }
        }
    }
}
