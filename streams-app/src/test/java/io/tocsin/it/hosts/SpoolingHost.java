package io.tocsin.it.hosts;

import io.tocsin.agent.AgentConfig;
import io.tocsin.agent.TocsinAgent;
import java.util.Map;
import java.util.Properties;

/**
 * A host application for agent tests, run as its own process. {@code capture}: captures N exceptions with Kafka
 * unreachable, says so, and waits to be killed. {@code drain}: starts the agent on the same spool and exits once the
 * spool is sent.
 */
public final class SpoolingHost {

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String bootstrap = args[1];
        String spoolDir = args[2];
        TocsinAgent agent = TocsinAgent.start(AgentConfig.load(Map.of("service", "spool-host", "instance", "spool-host-1",
                "environment", "test", "bootstrap.servers", bootstrap, "spool.dir", spoolDir), new Properties(), Map.of()));
        if (mode.equals("capture")) {
            int n = Integer.parseInt(args[3]);
            for (int i = 0; i < n; i++) {
                agent.capture(new IllegalStateException("spooled " + i));
            }
            System.out.println("CAPTURED " + n);
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline && (agent.getSent() == 0 || agent.getSpoolBytes() > 0)) {
            Thread.sleep(100);
        }
        System.out.println("SENT " + agent.getSent());
        agent.close();
    }
}
