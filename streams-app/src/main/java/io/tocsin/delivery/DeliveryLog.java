package io.tocsin.delivery;

import io.tocsin.history.DeliveryState;
import io.tocsin.history.DeliveryUpdate;
import io.tocsin.model.Alert;
import io.tocsin.model.AlertKind;
import io.tocsin.model.EventCodec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * The notifier's account of each alert's delivery, on {@code tocsin.alert-deliveries} keyed by the alert key, from
 * which the app keeps every key's recent alerts (the console's "alerts and their Slack delivery state").
 *
 * <p>Records are sent as decisions are made and waited for in {@link #flush}, which the notifier calls before it
 * commits: an alert whose offset is committed has its fate on record. Canaries are left out (two a minute per
 * instance, of no interest to a person). Used by the notifier's thread only.
 */
public final class DeliveryLog {

    private final String topic;
    private final KafkaProducer<String, byte[]> producer;
    private final EventCodec codec;
    private final Clock clock;
    private final List<Future<RecordMetadata>> unacked = new ArrayList<>();

    public DeliveryLog(String topic, KafkaProducer<String, byte[]> producer, EventCodec codec, Clock clock) {
        this.topic = topic;
        this.producer = producer;
        this.codec = codec;
        this.clock = clock;
    }

    public void record(Alert alert, String route, DeliveryState state, String detail, int attempts) {
        if (alert.kind() == AlertKind.CANARY || alert.key() == null) {
            return;
        }
        DeliveryUpdate update = DeliveryUpdate.of(alert, route, state, detail, attempts, clock.instant());
        unacked.add(producer.send(new ProducerRecord<>(topic, alert.key(), codec.write(update))));
    }

    /** Waits until the broker has every record sent so far. */
    public void flush() {
        try {
            Acks.await(unacked, "alert deliveries", topic);
        } finally {
            unacked.clear();
        }
    }
}
