package io.tocsin.it;

import static io.tocsin.testing.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.app.TocsinApp;
import io.tocsin.broker.EmbeddedKafkaBroker;
import io.tocsin.config.AppConfig;
import io.tocsin.config.KafkaClients;
import io.tocsin.model.EventCodec;
import io.tocsin.model.HeartbeatEvent;
import io.tocsin.testing.ScaledTimeout;
import io.tocsin.testing.Slowness;
import io.tocsin.testing.Waits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * Measures down-detection latency end to end (last acknowledged heartbeat to the Slack stand-in's receipt of the
 * down post) over 20 outages, and checks each gave exactly one post. The numbers go to
 * {@code target/detection-latency.txt}; they are reported, not asserted (timing belongs in benchmarks).
 */
@ScaledTimeout(seconds = 180)
class HeartbeatDetectionLatencyIT {

    private static final int OUTAGES = 20;
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    @Test
    void twentyOutagesGiveTwentyDownPostsAndTheirLatencyIsRecorded() throws Exception {
        EventCodec codec = new EventCodec();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startOnFreePort(); RecordingSlack slack = new RecordingSlack()) {
            // group.min above the outage count: each outage is reported alone, as measured
            // the timeout stretches with the machine: a beating loop stalled past it would be a real outage, not a test of one
            AppConfig config = Apps.config(broker, slack, Map.of("heartbeat.timeout", Waits.configDuration(TIMEOUT),
                    "heartbeat.group.min", "1000"));
            Map<String, Instant> lastBeat = new ConcurrentHashMap<>();
            try (TocsinApp app = Apps.start(config); KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClients.producer(config))) {
                List<String> beating = Collections.synchronizedList(new ArrayList<>());
                for (int i = 0; i < OUTAGES; i++) {
                    beating.add("lat-" + i);
                }
                long start = System.currentTimeMillis();
                while (!beating.isEmpty()) {
                    for (String instance : List.copyOf(beating)) {
                        HeartbeatEvent beat = new HeartbeatEvent("heartbeat", 1, Instant.now(), "it-latency", instance, "prod",
                                null, 500, HeartbeatEvent.Status.UP, Map.of());
                        producer.send(new ProducerRecord<>(config.topicPrefix() + "heartbeats", beat.key(), codec.write(beat))).get();
                        lastBeat.put(instance, Instant.now());
                    }
                    // after a 3 s warm-up, one instance goes silent every 700 ms
                    long elapsed = System.currentTimeMillis() - start;
                    if (elapsed > 3000 && (elapsed - 3000) / 700 >= OUTAGES - beating.size()) {
                        beating.remove(0);
                    }
                    Thread.sleep(250);
                }
                await("20 down posts", Duration.ofSeconds(30)).until(() -> slack.postsContaining("INSTANCE_DOWN").size() >= OUTAGES);
                Waits.letTimePass(Duration.ofSeconds(3));
            }

            List<Long> latencies = new ArrayList<>();
            for (int i = 0; i < OUTAGES; i++) {
                List<RecordingSlack.Post> posts = slack.postsContaining("lat-" + i + "`");
                assertThat(posts).as("posts for lat-" + i).hasSize(1);
                latencies.add(Duration.between(lastBeat.get("lat-" + i), posts.get(0).at()).toMillis());
            }
            Collections.sort(latencies);
            String report = "down-detection latency over " + OUTAGES + " outages, heartbeat.timeout "
                    + Slowness.scale(TIMEOUT).toMillis() + " ms, last acknowledged heartbeat"
                    + " to Slack stand-in receipt: median " + latencies.get(OUTAGES / 2) + " ms, worst " + latencies.get(OUTAGES - 1)
                    + " ms, best " + latencies.get(0) + " ms";
            Files.writeString(Path.of("target", "detection-latency.txt"), report + "\n");
            System.out.println(report);
        }
    }
}
