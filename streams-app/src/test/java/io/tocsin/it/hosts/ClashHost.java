package io.tocsin.it.hosts;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tocsin.agent.AgentConfig;
import io.tocsin.agent.TocsinAgent;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.AppInfoParser;

/**
 * A host with its own, older kafka-clients and jackson-databind on the class path: it uses both itself and runs the
 * agent beside them. Prints what worked.
 */
public final class ClashHost {

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String json = new ObjectMapper().writeValueAsString(Map.of("from", "host"));
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("clash.host", "k", json)).get();
        }
        System.out.println("HOST_KAFKA_OK " + AppInfoParser.getVersion() + " jackson " + ObjectMapper.class.getPackage().getImplementationVersion());
        TocsinAgent agent = TocsinAgent.start(AgentConfig.load(Map.of("service", "clash-host", "environment", "test",
                "bootstrap.servers", bootstrap, "spool.dir", args[1]), new Properties(), Map.of()));
        agent.capture(new IllegalStateException("captured next to another kafka-clients"));
        long deadline = System.currentTimeMillis() + 30_000;
        while (agent.counters().getSent() == 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        System.out.println("AGENT_SENT " + agent.counters().getSent());
        agent.close();
    }
}
