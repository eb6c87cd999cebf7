package io.tocsin.agent;

import io.tocsin.agent.spool.Spool;
import io.tocsin.model.Topics;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Sends exception events from the spool and forgets those Kafka acknowledged; a failed one is handed out again
 * (with what came after it) once the link's backoff allows. Keeps at most {@value #MAX_IN_FLIGHT} events in flight.
 * Completions arrive on Kafka's thread and are handled here, on the agent's thread.
 */
final class SpoolSender {

    static final int MAX_IN_FLIGHT = 500;

    private record Completion(Spool.Entry entry, Exception error) {
    }

    private final Spool spool;
    private final KafkaLink link;
    private final String topic;
    private final String key;
    private final AgentCounters counters;
    private final ConcurrentLinkedQueue<Completion> completions = new ConcurrentLinkedQueue<>();
    private int inFlight;
    private boolean backlog;

    SpoolSender(Spool spool, KafkaLink link, Topics topics, String key, AgentCounters counters) {
        this.spool = spool;
        this.link = link;
        this.topic = topics.errors();
        this.key = key;
        this.counters = counters;
    }

    /** Handles completions, then sends the next batch if allowed. True when anything happened. */
    boolean sendDue(long now) {
        backlog |= !link.reachable(); // what waited for Kafka counts as replayed once sent
        boolean worked = handleCompletions(now);
        if (!link.maySend(now) || inFlight >= MAX_IN_FLIGHT) {
            return worked;
        }
        Producer<String, byte[]> producer = link.producer(now);
        if (producer == null) {
            return worked;
        }
        List<Spool.Entry> batch = spool.next(MAX_IN_FLIGHT - inFlight);
        for (Spool.Entry e : batch) {
            inFlight++;
            if (!link.send(new ProducerRecord<>(topic, key, e.event()), (meta, error) -> completions.add(new Completion(e, error)))) {
                break; // unreachable: retrying this entry hands it and everything after it out again later
            }
        }
        return worked || !batch.isEmpty();
    }

    /** Nothing in flight and nothing spooled. */
    boolean idle() {
        return inFlight == 0 && spool.bytes() == 0;
    }

    private boolean handleCompletions(long now) {
        boolean any = false;
        for (Completion c; (c = completions.poll()) != null; ) {
            any = true;
            inFlight--;
            if (c.error() == null) {
                spool.acknowledge(c.entry());
                counters.sent.increment();
                if (backlog) {
                    counters.replayed.increment();
                }
                link.succeeded(now);
            } else {
                spool.retry(c.entry());
                backlog = true;
                link.failed(now);
            }
        }
        if (backlog && inFlight == 0 && spool.bytes() == 0) {
            backlog = false;
        }
        return any;
    }
}
