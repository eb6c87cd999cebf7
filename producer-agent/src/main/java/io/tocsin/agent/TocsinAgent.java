package io.tocsin.agent;

import io.tocsin.model.EventCodec;
import io.tocsin.model.HeartbeatEvent;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.DoubleSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The producer agent. The caller's thread only ever offers a captured throwable to a bounded lock-free queue;
 * building frames, JSON encoding and every Kafka call (construction included, which throws on an unresolvable
 * host) happen on the agent's single daemon thread. Nothing here waits on the network or throws into the host.
 */
public final class TocsinAgent implements AutoCloseable {

    private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);
    private static final long IDLE_PARK_NS = TimeUnit.MILLISECONDS.toNanos(50);

    private record Captured(Throwable throwable, Capture capture, long at) {
    }

    private final AgentConfig config;
    private final BoundedQueue<Captured> queue;
    private final AgentCounters counters = new AgentCounters();
    private final Map<String, DoubleSupplier> loadFigures = new ConcurrentHashMap<>();
    private final Thread worker;
    private volatile boolean running = true;

    private TocsinAgent(AgentConfig config) {
        this.config = config;
        this.queue = new BoundedQueue<>(config.queueCapacity());
        this.worker = new Thread(new Worker(), "tocsin-agent");
        this.worker.setDaemon(true);
    }

    public static TocsinAgent start(AgentConfig config) {
        TocsinAgent agent = new TocsinAgent(config);
        agent.worker.start();
        return agent;
    }

    public AgentConfig config() {
        return config;
    }

    public AgentCounters counters() {
        return counters;
    }

    public void capture(Throwable throwable) {
        capture(throwable, Capture.NONE);
    }

    /** Offers the throwable for sending; returns at once, whatever the state of Kafka. */
    public void capture(Throwable throwable, Capture capture) {
        try {
            if (throwable == null || !running) {
                return;
            }
            counters.captured.increment();
            if (queue.offer(new Captured(throwable, capture == null ? Capture.NONE : capture, System.currentTimeMillis()))) {
                LockSupport.unpark(worker);
            } else {
                counters.droppedQueueFull.increment();
            }
        } catch (Throwable ignored) {
            // the host comes first: reporting must never fail the caller
        }
    }

    /** A load figure sent with every heartbeat (e.g. open WebSocket sessions); the first registered orders instances. */
    public void loadFigure(String name, DoubleSupplier value) {
        loadFigures.put(name, value);
    }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(worker);
        try {
            worker.join(CLOSE_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The agent's own thread: drains the queue, sends heartbeats on schedule, owns the Kafka producer. */
    private final class Worker implements Runnable {
        private final EventFactory events = new EventFactory(config);
        private final EventCodec codec = new EventCodec();
        private Producer<String, byte[]> producer;
        private long nextHeartbeat;
        private long nextProducerAttempt;

        @Override
        public void run() {
            try {
                while (running) {
                    boolean worked = drain();
                    heartbeatIfDue();
                    if (!worked) {
                        LockSupport.parkNanos(IDLE_PARK_NS);
                    }
                }
                drain();
                send(config.topicPrefix() + "heartbeats", codec.write(events.heartbeat(HeartbeatEvent.Status.STOPPING, load(), System.currentTimeMillis())), false);
            } catch (Throwable t) {
                // a failing agent goes quiet rather than disturbing the host
            } finally {
                if (producer != null) {
                    producer.close(Duration.ofMillis(CLOSE_WAIT.toMillis() / 2));
                }
            }
        }

        private boolean drain() {
            boolean any = false;
            for (Captured c; (c = queue.poll()) != null; ) {
                any = true;
                byte[] json = codec.write(events.exception(c.throwable(), c.capture(), c.at()));
                send(config.topicPrefix() + "errors", json, true);
            }
            return any;
        }

        private void heartbeatIfDue() {
            long now = System.currentTimeMillis();
            if (now >= nextHeartbeat) {
                nextHeartbeat = now + config.heartbeatInterval().toMillis();
                send(config.topicPrefix() + "heartbeats", codec.write(events.heartbeat(HeartbeatEvent.Status.UP, load(), now)), false);
            }
        }

        private Map<String, Double> load() {
            Map<String, Double> out = new LinkedHashMap<>();
            loadFigures.forEach((name, supplier) -> {
                try {
                    out.put(name, supplier.getAsDouble());
                } catch (RuntimeException ignored) {
                    // a broken figure is left out, the heartbeat still goes
                }
            });
            return out;
        }

        private void send(String topic, byte[] json, boolean countAsEvent) {
            Producer<String, byte[]> p = producer();
            if (p == null) {
                if (countAsEvent) {
                    counters.droppedSendFailed.increment();
                }
                return;
            }
            try {
                p.send(new ProducerRecord<>(topic, config.service() + "/" + config.instance(), json), (meta, error) -> {
                    if (countAsEvent) {
                        (error == null ? counters.sent : counters.droppedSendFailed).increment();
                    }
                });
            } catch (RuntimeException e) {
                if (countAsEvent) {
                    counters.droppedSendFailed.increment();
                }
            }
        }

        /** Built lazily here, retried at most once a second: the constructor throws on an unresolvable host. */
        private Producer<String, byte[]> producer() {
            if (producer == null && System.currentTimeMillis() >= nextProducerAttempt) {
                nextProducerAttempt = System.currentTimeMillis() + 1000;
                try {
                    producer = new KafkaProducer<>(producerProperties());
                } catch (RuntimeException e) {
                    producer = null;
                }
            }
            return producer;
        }

        private Properties producerProperties() {
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
            p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1000);
            p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
            p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
            p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 8L * 1024 * 1024);
            p.put(ProducerConfig.CLIENT_ID_CONFIG, "tocsin-agent-" + config.service());
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            return p;
        }
    }
}
