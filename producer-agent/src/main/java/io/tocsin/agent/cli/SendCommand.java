package io.tocsin.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.tocsin.agent.AgentConfig;
import io.tocsin.agent.ProducerSettings;
import io.tocsin.model.EventCodec;
import io.tocsin.model.ExceptionEvent;
import io.tocsin.model.HeartbeatEvent;
import io.tocsin.model.InvalidEventException;
import io.tocsin.model.Keys;
import io.tocsin.model.Topics;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Streams JSON events from stdin to Kafka, one line at a time, as soon as each is read: exception events to
 * {@code errors}, heartbeats to {@code heartbeats}, keyed {@code service/instance}, {@code acks=all}, no spool.
 * Exit 0 when every valid line was acknowledged; 2 when some lines were invalid (reported on stderr with their line
 * number; the valid ones are still sent); 1 when Kafka refused or never acknowledged a line.
 */
@Command(name = "send", mixinStandardHelpOptions = true, description = "Send JSON events (one per line) from stdin.")
final class SendCommand implements Callable<Integer> {

    @Option(names = "--bootstrap-servers", paramLabel = "H:P", defaultValue = "${env:TOCSIN_BOOTSTRAP_SERVERS:-127.0.0.1:9092}",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE})")
    String bootstrapServers;

    @Option(names = "--topic-prefix", defaultValue = "${env:TOCSIN_TOPIC_PREFIX:-tocsin.}", description = "topic prefix (default: ${DEFAULT-VALUE})")
    String topicPrefix;

    @Option(names = "--raw", description = "send lines unvalidated (to exercise the dead-letter path)")
    boolean raw;

    private final EventCodec codec = new EventCodec();

    @Override
    public Integer call() throws Exception {
        PrintStream err = System.err;
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        AtomicInteger failed = new AtomicInteger();
        int invalid = 0;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(ProducerSettings.withClientSettings(
                ProducerSettings.reliable(bootstrapServers, "tocsin-send", Duration.ofSeconds(30), Duration.ofSeconds(60)),
                AgentConfig.kafkaSettings(System.getProperties(), System.getenv())));
             BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            int lineNo = 0;
            for (String line; (line = in.readLine()) != null; ) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                ProducerRecord<String, byte[]> record;
                try {
                    record = raw ? rawRecord(line) : validRecord(line);
                } catch (InvalidEventException e) {
                    invalid++;
                    err.println("line " + lineNo + ": " + e.getMessage());
                    continue;
                }
                int n = lineNo;
                acks.add(producer.send(record, (meta, error) -> {
                    if (error != null) {
                        failed.incrementAndGet();
                        err.println("line " + n + ": not sent: " + error.getMessage());
                    }
                }));
            }
            producer.flush();
        }
        for (Future<RecordMetadata> ack : acks) {
            try {
                ack.get();
            } catch (Exception e) {
                // counted and reported by the callback
            }
        }
        if (failed.get() > 0) {
            err.println(failed.get() + " line(s) were not acknowledged by Kafka at " + bootstrapServers);
            return 1;
        }
        return invalid > 0 ? 2 : 0;
    }

    private ProducerRecord<String, byte[]> validRecord(String line) throws InvalidEventException {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        Object event = codec.parseEvent(bytes);
        if (event instanceof ExceptionEvent e) {
            return new ProducerRecord<>(new Topics(topicPrefix).errors(), e.key(), bytes);
        }
        HeartbeatEvent h = (HeartbeatEvent) event;
        return new ProducerRecord<>(new Topics(topicPrefix).heartbeats(), h.key(), bytes);
    }

    /** Unvalidated: the topic by a readable {@code type} (errors otherwise), the key when service and instance are there. */
    private ProducerRecord<String, byte[]> rawRecord(String line) {
        String topic = new Topics(topicPrefix).errors();
        String key = null;
        try {
            JsonNode node = codec.mapper().readTree(line);
            if (node != null && node.isObject()) {
                if (HeartbeatEvent.TYPE.equals(node.path("type").asText())) {
                    topic = new Topics(topicPrefix).heartbeats();
                }
                if (node.path("service").isTextual() && node.path("instance").isTextual()) {
                    key = Keys.of(node.path("service").asText(), node.path("instance").asText());
                }
            }
        } catch (Exception ignored) {
            // not JSON at all: that is what --raw is for
        }
        return new ProducerRecord<>(topic, key, line.getBytes(StandardCharsets.UTF_8));
    }
}
