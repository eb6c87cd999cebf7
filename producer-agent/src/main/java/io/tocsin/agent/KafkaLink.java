package io.tocsin.agent;

import java.time.Duration;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The agent's one Kafka producer and what it knows of Kafka's reachability, shared by the spool sender and the
 * heartbeat sender. The producer is built lazily and at most once a second (its constructor throws on an
 * unresolvable host); failures back off exponentially up to 2 s. Used on the agent's thread only.
 */
final class KafkaLink implements AutoCloseable {

    private static final long MAX_BACKOFF_MS = 2000;

    private final AgentConfig config;
    private final AgentCounters counters;
    private final UnreachableWarning warning;
    private final Thread owner;
    private Producer<String, byte[]> producer;
    private long nextProducerAttempt;
    private long nextSendAttempt;
    private int failures;

    KafkaLink(AgentConfig config, AgentCounters counters, UnreachableWarning warning, Thread owner) {
        this.config = config;
        this.counters = counters;
        this.warning = warning;
        this.owner = owner;
    }

    /** The producer, built now if due; null while it cannot be built. */
    Producer<String, byte[]> producer(long now) {
        if (producer == null && now >= nextProducerAttempt) {
            nextProducerAttempt = now + 1000;
            try {
                producer = new KafkaProducer<>(ProducerSettings.agent(config));
            } catch (RuntimeException e) {
                failed(now);
            }
        }
        return producer;
    }

    boolean hasProducer() {
        return producer != null;
    }

    /** False while backing off after a failure. */
    boolean maySend(long now) {
        return now >= nextSendAttempt;
    }

    boolean reachable() {
        return counters.unreachableSince() == 0;
    }

    /**
     * Sends one record; the callback always runs once (a send that throws completes with its exception). False when
     * it failed at once: the send threw, or Kafka reported a metadata timeout through the callback on this thread
     * (after {@code max.block.ms}); the caller then stops instead of blocking on each of the rest. The failure is
     * recorded here.
     */
    boolean send(ProducerRecord<String, byte[]> record, Callback callback) {
        boolean[] failedAtOnce = {false};
        try {
            producer.send(record, (meta, error) -> {
                failedAtOnce[0] |= error != null && Thread.currentThread() == owner;
                callback.onCompletion(meta, error);
            });
        } catch (RuntimeException e) {
            failedAtOnce[0] = true;
            callback.onCompletion(null, e);
        }
        if (failedAtOnce[0]) {
            failed(System.currentTimeMillis());
        }
        return !failedAtOnce[0];
    }

    void failed(long now) {
        counters.unreachable(now);
        failures++;
        nextSendAttempt = now + Math.min(MAX_BACKOFF_MS, 100L << Math.min(failures, 5));
    }

    void succeeded(long now) {
        long since = counters.unreachableSince();
        if (since != 0) {
            warning.recovered(since, now);
        }
        counters.reachable();
        failures = 0;
    }

    /** The once-per-outage warning (log line, fallback webhook) when Kafka has been away long enough. */
    void warnIfLongUnreachable(long now) {
        warning.check(counters.unreachableSince(), now);
    }

    void flush() {
        if (producer != null) {
            producer.flush();
        }
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(Duration.ofMillis(300));
        }
    }
}
