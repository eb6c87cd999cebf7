package io.tocsin.agent;

import io.tocsin.model.EventCodec;
import io.tocsin.model.HeartbeatEvent;
import io.tocsin.model.Topics;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.DoubleSupplier;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Heartbeats on their own schedule, with the registered load figures and the agent's counters, whether or not Kafka
 * answered lately: an acknowledged heartbeat is what tells a quiet service (no errors to send) that Kafka is back.
 * Never spooled: a stale heartbeat is worthless, so one that cannot be sent is dropped and the next comes on time.
 */
final class HeartbeatSender {

    private final AgentConfig config;
    private final KafkaLink link;
    private final EventFactory events;
    private final EventCodec codec;
    private final String topic;
    private final String key;
    private final Map<String, DoubleSupplier> loadFigures;
    private final AgentCounters counters;
    private final AtomicBoolean acknowledged = new AtomicBoolean();
    private long nextBeat;

    HeartbeatSender(AgentConfig config, KafkaLink link, EventFactory events, EventCodec codec, Topics topics, String key,
                    Map<String, DoubleSupplier> loadFigures, AgentCounters counters) {
        this.config = config;
        this.link = link;
        this.events = events;
        this.codec = codec;
        this.topic = topics.heartbeats();
        this.key = key;
        this.loadFigures = loadFigures;
        this.counters = counters;
    }

    void beatIfDue(long now) {
        if (acknowledged.getAndSet(false)) {
            link.succeeded(now); // Kafka answers: the spool sender may stop backing off too
        }
        if (now < nextBeat) {
            return;
        }
        nextBeat = now + config.heartbeatInterval().toMillis();
        if (link.producer(now) != null) {
            send(HeartbeatEvent.Status.UP, now);
        }
    }

    /** The last heartbeat of a clean shutdown: the monitor deregisters the instance instead of reporting it down. */
    void stopping(long now) {
        if (link.hasProducer() && link.reachable()) {
            send(HeartbeatEvent.Status.STOPPING, now);
            link.flush();
        }
    }

    private void send(HeartbeatEvent.Status status, long now) {
        byte[] beat = codec.write(events.heartbeat(status, load(), counters.snapshot(), now));
        // acknowledged on Kafka's thread; taken up on the agent's thread at the next round
        link.send(new ProducerRecord<>(topic, key, beat), (meta, error) -> {
            if (error == null) {
                acknowledged.set(true);
            }
        });
    }

    private Map<String, Double> load() {
        return figures(loadFigures);
    }

    /**
     * The figures' current values. A broken one (it throws, or gives NaN or an infinity, which JSON cannot carry as
     * a number and the app would refuse the whole heartbeat for: a false down) is left out; the heartbeat still goes.
     */
    static Map<String, Double> figures(Map<String, DoubleSupplier> loadFigures) {
        Map<String, Double> out = new LinkedHashMap<>();
        loadFigures.forEach((name, supplier) -> {
            try {
                double value = supplier.getAsDouble();
                if (Double.isFinite(value)) {
                    out.put(name, value);
                }
            } catch (RuntimeException ignored) {
                // left out, as above
            }
        });
        return out;
    }
}
