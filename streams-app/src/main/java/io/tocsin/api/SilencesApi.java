package io.tocsin.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tocsin.model.Durations;
import io.tocsin.model.EventCodec;
import io.tocsin.routing.Matchers;
import io.tocsin.routing.Silence;
import io.tocsin.topology.StoreNames;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Silences: created and deleted by writing the compacted topic {@code tocsin.silences} (so they survive restarts and
 * reach every instance), listed from the global store every instance keeps of it.
 */
final class SilencesApi {

    static final long KEEP_ENDED_H = 24;

    private final KafkaStreams streams;
    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final Duration maxDuration;

    SilencesApi(KafkaStreams streams, KafkaProducer<String, byte[]> producer, String topic, ObjectMapper mapper, Clock clock,
                Duration maxDuration) {
        this.maxDuration = maxDuration;
        this.streams = streams;
        this.producer = producer;
        this.topic = topic;
        this.mapper = mapper;
        this.clock = clock;
    }

    /**
     * Body: {@code {"matchers":{"service":"orders","kind":["ERROR"]},"duration":"2h" | "until":"ISO",
     * "startsAt":"ISO" (optional), "createdBy":"who","comment":"why", "force":true (optional)}}. A silence lasts at
     * most {@code silence.max-duration}, and must name a service or an instance unless {@code force} says that
     * silencing every service (of an environment, kind or severity) is meant.
     */
    Silence create(String body) {
        JsonNode n;
        try {
            n = mapper.readTree(body);
        } catch (Exception e) {
            throw new IllegalArgumentException("body is not JSON");
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("body must be a JSON object");
        }
        Matchers matchers = matchers(n.path("matchers"));
        if (!narrow(matchers) && !n.path("force").asBoolean(false)) {
            throw new IllegalArgumentException("these matchers silence every service " + (matchers.fields().isEmpty() ? "" : matchers.fields() + " ")
                    + "(name a service or an instance, or add \"force\":true if that is what you mean)");
        }
        Instant now = clock.instant();
        Instant startsAt = n.hasNonNull("startsAt") ? instant(n, "startsAt") : now;
        Instant endsAt;
        if (n.hasNonNull("until")) {
            endsAt = instant(n, "until");
        } else if (n.hasNonNull("duration")) {
            endsAt = startsAt.plus(Durations.parse(n.path("duration").asText()));
        } else {
            throw new IllegalArgumentException("give 'until' (ISO-8601) or 'duration' (e.g. 2h)");
        }
        if (!endsAt.isAfter(startsAt)) {
            throw new IllegalArgumentException("the silence ends before it starts");
        }
        if (Duration.between(startsAt.isAfter(now) ? startsAt : now, endsAt).compareTo(maxDuration) > 0) {
            throw new IllegalArgumentException("a silence may last at most " + Durations.format(maxDuration)
                    + " (silence.max-duration); this one would end at " + endsAt);
        }
        String createdBy = text(n, "createdBy");
        String comment = text(n, "comment");
        Silence s = new Silence(UUID.randomUUID().toString(), matchers, startsAt, endsAt, createdBy, comment);
        send(s.id(), new EventCodec().write(s));
        return s;
    }

    List<Silence> active() {
        return list(false);
    }

    /** {@code ended}: those that ended within the last {@value #KEEP_ENDED_H} h too (the console's "expired"). */
    List<Silence> list(boolean ended) {
        List<Silence> out = new ArrayList<>();
        Instant now = clock.instant();
        try (KeyValueIterator<String, Silence> it = store().all()) {
            it.forEachRemaining(kv -> {
                if (kv.value != null && (kv.value.activeAt(now) || ended && kv.value.endsAt().isBefore(now))) {
                    out.add(kv.value);
                }
            });
        }
        out.sort((a, b) -> a.endsAt().compareTo(b.endsAt()));
        return out;
    }

    /** Ends a silence now but keeps it (listed as ended for a day), so what was silenced by whom stays visible. */
    Optional<Silence> expire(String id) {
        Optional<Silence> existing = Optional.ofNullable(store().get(id));
        Instant now = clock.instant();
        Optional<Silence> ended = existing.filter(s -> s.activeAt(now)).map(s -> new Silence(s.id(), s.matchers(),
                s.startsAt().isAfter(now) ? now : s.startsAt(), now, s.createdBy(), s.comment()));
        ended.ifPresent(s -> send(s.id(), new EventCodec().write(s)));
        return ended.or(() -> existing);
    }

    /** The first active silence that would silence an error alert of this group now, as {@code silence:<id>}. */
    Optional<String> silencing(String fingerprint, String service, String environment, List<Silence> active) {
        Instant now = clock.instant();
        return active.stream()
                .filter(s -> !now.isBefore(s.startsAt()) && s.matchers().matches(field -> switch (field) {
                    case "service" -> service;
                    case "environment" -> environment;
                    case "key" -> fingerprint;
                    case "kind" -> "ERROR";
                    case "severity" -> "ERROR";
                    default -> null;
                }))
                .map(s -> "silence:" + s.id())
                .findFirst();
    }

    Optional<Silence> delete(String id) {
        Optional<Silence> existing = Optional.ofNullable(store().get(id));
        existing.ifPresent(s -> send(id, null));
        return existing;
    }

    /**
     * Writes tombstones for silences that ended more than {@value #KEEP_ENDED_H} h ago, so the compacted topic, and
     * the store every alert is checked against, hold only what can still matter: a late alert from within a silence
     * (grace, a spool replayed after an outage) is still matched for a day. Every instance may run it; a tombstone
     * written twice is harmless.
     */
    int expireEnded() {
        Instant before = clock.instant().minus(Duration.ofHours(KEEP_ENDED_H));
        List<String> ended = new ArrayList<>();
        try (KeyValueIterator<String, Silence> it = store().all()) {
            it.forEachRemaining(kv -> {
                if (kv.value != null && kv.value.endsAt().isBefore(before)) {
                    ended.add(kv.key);
                }
            });
        }
        ended.forEach(id -> send(id, null));
        return ended.size();
    }

    private static boolean narrow(Matchers m) {
        return m.fields().containsKey("service") || m.fields().containsKey("instance") || m.fields().containsKey("key");
    }

    private ReadOnlyKeyValueStore<String, Silence> store() {
        try {
            return streams.store(StoreQueryParameters.fromNameAndType(StoreNames.SILENCES, QueryableStoreTypes.keyValueStore()));
        } catch (InvalidStateStoreException e) {
            throw new Peers.NotReadyException("silences are not readable yet (" + streams.state() + ")");
        }
    }

    private void send(String id, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, id, value)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Peers.NotReadyException("interrupted");
        } catch (ExecutionException e) {
            throw new Peers.NotReadyException("cannot write " + topic + ": " + e.getCause().getMessage());
        }
    }

    private static Matchers matchers(JsonNode m) {
        if (!m.isObject() || m.isEmpty()) {
            throw new IllegalArgumentException("'matchers' must name at least one of " + Matchers.FIELDS);
        }
        Map<String, Set<String>> fields = new HashMap<>();
        for (Map.Entry<String, JsonNode> f : m.properties()) {
            List<String> values = new ArrayList<>();
            if (f.getValue().isArray()) {
                f.getValue().forEach(v -> values.add(v.asText()));
            } else {
                values.add(f.getValue().asText());
            }
            fields.put(f.getKey(), Set.copyOf(values));
        }
        return new Matchers(fields);
    }

    private static Instant instant(JsonNode n, String field) {
        try {
            return Instant.parse(n.path(field).asText());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + field + "' must be an ISO-8601 instant");
        }
    }

    private static String text(JsonNode n, String field) {
        String v = n.path(field).asText("");
        if (v.isBlank()) {
            throw new IllegalArgumentException("'" + field + "' is required: say who silences and why");
        }
        return v;
    }
}
