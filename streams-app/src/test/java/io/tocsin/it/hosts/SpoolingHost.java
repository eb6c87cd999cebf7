package io.tocsin.it.hosts;

import io.tocsin.agent.AgentConfig;
import io.tocsin.agent.TocsinAgent;
import java.util.Map;
import java.util.Properties;

/**
 * A host application for agent tests, run as its own process. {@code capture}: captures N exceptions with Kafka
 * unreachable, says so once all N are in the spool file, and waits to be killed. {@code drain}: starts the agent on
 * the same spool and exits once the spool is sent (or after the given milliseconds).
 */
public final class SpoolingHost {

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String bootstrap = args[1];
        String spoolDir = args[2];
        TocsinAgent agent = TocsinAgent.start(AgentConfig.load(Map.of("service", "spool-host", "instance", "spool-host-1",
                "environment", "test", "bootstrap.servers", bootstrap, "spool.dir", spoolDir,
                // one event per capture, so "all in the spool" is a count (storm folding is tested on its own)
                "storm.burst", "100000"), new Properties(), Map.of()));
        if (mode.equals("capture")) {
            int n = Integer.parseInt(args[3]);
            for (int i = 0; i < n; i++) {
                agent.capture(new IllegalStateException("spooled " + i));
            }
            while (agent.counters().getSpooled() < n) {
                Thread.sleep(20);
            }
            System.out.println("SPOOLED " + agent.counters().getSpooled());
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
        long deadline = System.currentTimeMillis() + Long.parseLong(args[3]);
        while (System.currentTimeMillis() < deadline && (agent.counters().getSent() == 0 || agent.counters().getSpoolBytes() > 0)) {
            Thread.sleep(100);
        }
        System.out.println("SENT " + agent.counters().getSent());
        agent.close();
    }
}
