package io.tocsin.it;

import static io.tocsin.testing.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.app.TocsinApp;
import io.tocsin.broker.EmbeddedKafkaBroker;
import io.tocsin.config.AppConfig;
import io.tocsin.config.KafkaClients;
import io.tocsin.model.Alert;
import io.tocsin.model.EventCodec;
import io.tocsin.model.HeartbeatEvent;
import io.tocsin.testing.ScaledTimeout;
import io.tocsin.testing.Waits;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * The app is down longer than the heartbeat timeout while instances keep beating. On restart it finds their last
 * verdict-worthy heartbeat far in the past in its restored state, and a backlog of newer ones in the topic: it must
 * read the backlog before judging, and raise no alarm.
 */
@ScaledTimeout(seconds = 180)
class HeartbeatRestartIT {

    @Test
    void aRestartAfterAnOutageOfTheAppItselfRaisesNoFalseAlarm() throws Exception {
        EventCodec codec = new EventCodec();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startOnFreePort(); RecordingSlack slack = new RecordingSlack()) {
            // timeout and pauses stretch together: the app stays away > 3 x the timeout on any machine, while a beater
            // stalled by a busy machine still beats well within it
            AppConfig config = Apps.config(broker, slack, Map.of("heartbeat.timeout", Waits.configDuration(Duration.ofSeconds(3))));
            AtomicBoolean beating = new AtomicBoolean(true);
            Thread beater;
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClients.producer(config))) {
                beater = new Thread(() -> {
                    while (beating.get()) {
                        for (int i = 1; i <= 5; i++) {
                            HeartbeatEvent beat = new HeartbeatEvent("heartbeat", 1, Instant.now(), "it-restart", "r-" + i, "prod",
                                    null, 500, HeartbeatEvent.Status.UP, new HashMap<>());
                            producer.send(new ProducerRecord<>(config.topicPrefix() + "heartbeats", beat.key(), codec.write(beat)));
                        }
                        try {
                            Thread.sleep(300);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
                beater.start();
                try (TocsinApp app = Apps.start(config)) {
                    Waits.letTimePass(Duration.ofSeconds(5));
                }
                Waits.letTimePass(Duration.ofSeconds(10)); // the app is gone for > 3 × the timeout
                try (TocsinApp app = Apps.start(config)) {
                    Waits.letTimePass(Duration.ofSeconds(10));
                }
                beating.set(false);
                beater.join();
            }
            List<Alert> alerts = Apps.alerts(broker.bootstrapServers(), config.topicPrefix() + "alerts");
            assertThat(alerts).as("alerts after restart").isEmpty();
            assertThat(slack.posts()).isEmpty();
        }
    }
}
