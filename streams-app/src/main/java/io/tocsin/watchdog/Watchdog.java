package io.tocsin.watchdog;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tocsin.common.Partitions;
import io.tocsin.model.Canary;
import io.tocsin.model.EventCodec;
import io.tocsin.model.Keys;
import io.tocsin.model.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A dead man's switch for Tocsin itself. Every {@code watchdog.interval} it sends a canary round (an exception event
 * and a heartbeat) and GETs {@code watchdog.url} only if a round sent within the last interval (and a half, for the
 * ticks' own jitter) has come all the way through: topology, alerts topic and notifier. When Kafka, a stream thread or
 * the notifier is stuck, the pings stop within two intervals and the external service (healthchecks-style) alerts
 * someone; silence never looks like "all clear".
 *
 * <p>Each instance checks its own notifier: the canary's key is picked so that its alerts land on a partition this
 * instance's notifier reads (an instance whose notifier has no partition sends no canary and does not ping).
 */
public final class Watchdog implements AutoCloseable {

    public record Settings(URI url, Duration interval) {
    }

    private record Round(String instance, long sentAt) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(Watchdog.class);
    private static final double FRESH_INTERVALS = 1.5;
    private static final int ROUNDS_KEPT = 3;
    private static final int MAX_KEY_TRIES = 100_000;
    private static final Duration MAX_PING_TIME = Duration.ofSeconds(10);

    private final Settings settings;
    private final CanaryClock clock;
    private final Supplier<Set<Integer>> alertPartitions;
    private final Producer<String, byte[]> producer;
    private final Topics topics;
    private final String origin;
    private final EventCodec codec = new EventCodec();
    private final HttpClient http;
    private final Counter pings;
    private final Counter failedPings;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tocsin-watchdog");
        t.setDaemon(true);
        return t;
    });
    private final Deque<Round> rounds = new ArrayDeque<>();
    private boolean pinging;
    private Set<Integer> keyFor = Set.of();
    private String canaryInstance;

    /**
     * @param alertPartitions the alerts partitions this instance's notifier reads now
     * @param origin this app instance's name, unique among the instances sharing the work
     */
    public Watchdog(Settings settings, CanaryClock clock, Supplier<Set<Integer>> alertPartitions, Producer<String, byte[]> producer,
                    Topics topics, String origin, MeterRegistry metrics) {
        this.settings = settings;
        this.clock = clock;
        this.alertPartitions = alertPartitions;
        this.producer = producer;
        this.topics = topics;
        this.origin = origin.replaceAll("[^A-Za-z0-9._-]", "-");
        this.http = HttpClient.newBuilder().connectTimeout(pingTimeout()).build();
        this.pings = Counter.builder("tocsin.watchdog.pings").tag("outcome", "ok").description("watchdog pings the URL took")
                .register(metrics);
        this.failedPings = Counter.builder("tocsin.watchdog.pings").tag("outcome", "failed").description("watchdog pings that failed")
                .register(metrics);
        Gauge.builder("tocsin.watchdog.canary.age", this, Watchdog::canaryAgeSeconds).baseUnit("seconds")
                .description("how long ago the newest canary that came all the way through was sent").register(metrics);
    }

    public Watchdog start() {
        LOG.info("watchdog: a canary round every {} s; pinging {} while they come through",
                settings.interval().toSeconds(), settings.url().getHost());
        scheduler.scheduleAtFixedRate(this::tick, 0, settings.interval().toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void tick() {
        try {
            long now = System.currentTimeMillis();
            long newest = newestRoundTrip();
            boolean fresh = newest >= now - (long) (settings.interval().toMillis() * FRESH_INTERVALS);
            if (fresh && !pinging) {
                LOG.info("watchdog: canaries come through; pinging");
            } else if (!fresh && pinging) {
                LOG.warn("watchdog: the newest canary that came through was sent {}; not pinging until one does (Kafka, a"
                        + " stream thread or the notifier is stuck)", newest == Long.MIN_VALUE ? "too long ago" : Instant.ofEpochMilli(newest));
            }
            pinging = fresh;
            if (fresh) {
                ping();
            }
            sendRound(now);
        } catch (RuntimeException e) {
            // a tick that throws would end the schedule: the watchdog must keep trying
            LOG.warn("watchdog tick failed", e);
        }
    }

    private void sendRound(long now) {
        Optional<String> instance = canaryInstance();
        if (instance.isEmpty()) {
            return;
        }
        Instant at = Instant.ofEpochMilli(now);
        String key = Keys.of(Canary.SERVICE, instance.get());
        send(topics.errors(), key, codec.write(Canary.exception(instance.get(), at)));
        send(topics.heartbeats(), key, codec.write(Canary.heartbeat(instance.get(), at, settings.interval().toMillis())));
        synchronized (rounds) {
            rounds.addLast(new Round(instance.get(), now));
            while (rounds.size() > ROUNDS_KEPT) {
                rounds.removeFirst();
            }
        }
    }

    private void send(String topic, String key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, key, value), (md, e) -> {
            if (e != null) {
                LOG.debug("watchdog: canary not sent to {}: {}", topic, e.toString());
            }
        });
    }

    /** A canary instance name whose alerts land on a partition this instance's notifier reads. */
    private Optional<String> canaryInstance() {
        Set<Integer> assigned = alertPartitions.get();
        if (assigned.isEmpty()) {
            return Optional.empty();
        }
        if (!assigned.equals(keyFor)) {
            int partitions = producer.partitionsFor(topics.alerts()).size();
            canaryInstance = null;
            for (int n = 0; n < MAX_KEY_TRIES && canaryInstance == null; n++) {
                String candidate = origin + "-" + n;
                if (assigned.contains(Partitions.of(Keys.of(Canary.SERVICE, candidate), partitions))) {
                    canaryInstance = candidate;
                }
            }
            keyFor = Set.copyOf(assigned);
        }
        return Optional.ofNullable(canaryInstance);
    }

    private long newestRoundTrip() {
        synchronized (rounds) {
            return rounds.stream().map(Round::instance).distinct().mapToLong(clock::roundTrip).max().orElse(Long.MIN_VALUE);
        }
    }

    private double canaryAgeSeconds() {
        long newest = newestRoundTrip();
        return newest == Long.MIN_VALUE ? Double.NaN : (System.currentTimeMillis() - newest) / 1000.0;
    }

    private void ping() {
        HttpRequest request = HttpRequest.newBuilder(settings.url()).timeout(pingTimeout()).GET().build();
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() / 100 == 2) {
                pings.increment();
                return;
            }
            failedPings.increment();
            LOG.warn("watchdog: {} answered the ping with HTTP {}", settings.url().getHost(), response.statusCode());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failedPings.increment();
            LOG.warn("watchdog: cannot ping {}: {}", settings.url().getHost(), e.toString());
        }
    }

    private Duration pingTimeout() {
        return settings.interval().compareTo(MAX_PING_TIME) < 0 ? settings.interval() : MAX_PING_TIME;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
