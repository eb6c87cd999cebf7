package io.tocsin.it.hosts;

import java.lang.management.ManagementFactory;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * A host started with {@code -javaagent}: it installs its own default uncaught-exception handler after the agent did,
 * and once the agent has wrapped it again, a thread dies of an uncaught exception. Both the host's handler and the
 * agent must see it. Like a service that keeps running, it lives on until the agent's JMX counters say the event was
 * sent (or the given milliseconds pass): a host that exits at once leaves the event in the spool for its next start,
 * which another test covers.
 */
public final class UncaughtHost {

    public static void main(String[] args) throws Exception {
        long deadline = System.currentTimeMillis() + Long.parseLong(args[0]);
        Thread.UncaughtExceptionHandler own = (t, e) -> System.out.println("HOST_HANDLER_RAN " + e.getMessage());
        Thread.setDefaultUncaughtExceptionHandler(own);
        // the agent wraps a replaced handler again on its next once-a-second chore: wait for that, not for a guessed time
        while (Thread.getDefaultUncaughtExceptionHandler() == own && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        Thread worker = new Thread(() -> {
            throw new IllegalStateException("uncaught in a host thread");
        }, "worker");
        worker.start();
        worker.join();
        while (agentSent() < 1 && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        System.out.println("HOST_DONE");
    }

    private static long agentSent() throws Exception {
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        long sent = 0;
        for (ObjectName agent : jmx.queryNames(new ObjectName("io.tocsin:type=Agent,*"), null)) {
            sent += (Long) jmx.getAttribute(agent, "Sent");
        }
        return sent;
    }
}
