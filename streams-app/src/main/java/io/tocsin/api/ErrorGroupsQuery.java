package io.tocsin.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.type.TypeReference;
import io.tocsin.errors.ErrorGroup;
import io.tocsin.errors.ErrorWindow;
import io.tocsin.model.ExceptionEvent;
import io.tocsin.topology.StoreNames;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Error groups from the throttle's stores via interactive queries. A single group is read where its partition is
 * active (here, or forwarded to that instance); lists merge every instance's most recent groups. Filtering by service
 * reads the by-service index, never every group.
 */
final class ErrorGroupsQuery {

    /**
     * A group as the API shows it; {@code sample} only for a single group. {@code windowSuppressed}: occurrences of
     * the open window that did not alert; {@code hourly}: occurrences per hour (event time), oldest first, the last
     * hour ending at {@code hourlyEnd}; {@code silencedBy}: the silence that would silence its next alert.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record View(String fingerprint, String title, String service, String environment, Instant firstSeen, Instant lastSeen,
                long totalCount, long windowCount, long alertsSent, long windowSuppressed, long lateCount, Instant windowStart,
                Instant windowEnd, List<String> instances, Instant hourlyEnd, List<Long> hourly, String silencedBy,
                ExceptionEvent sample) {

        static View of(ErrorGroup g, ExceptionEvent sample) {
            ErrorWindow w = g.current();
            boolean open = w != null && !w.closed();
            return new View(g.fingerprint(), g.title(), g.service(), g.environment(), Instant.ofEpochMilli(g.firstSeen()),
                    Instant.ofEpochMilli(g.lastSeen()), g.totalCount(), g.windowCount(), g.alertsSent(),
                    open ? w.suppressed() : 0, g.lateCount(),
                    w == null ? null : Instant.ofEpochMilli(w.start()), w == null ? null : Instant.ofEpochMilli(w.end()),
                    g.instances(), g.hourly().counts().isEmpty() ? null : Instant.ofEpochMilli(g.hourly().newestHour() + 3_600_000L),
                    g.hourly().counts(), null, sample);
        }

        View silencedBy(String silence) {
            return new View(fingerprint, title, service, environment, firstSeen, lastSeen, totalCount, windowCount, alertsSent,
                    windowSuppressed, lateCount, windowStart, windowEnd, instances, hourlyEnd, hourly, silence, sample);
        }
    }

    static final int DEFAULT_LIMIT = 100;
    private static final Comparator<View> MOST_RECENT_FIRST =
            Comparator.comparing(View::lastSeen).reversed().thenComparing(View::fingerprint);

    private final KafkaStreams streams;
    private final Peers peers;
    private final StorePartitions partitions;
    private final String sourceTopic;

    /** {@code sourceTopic}: the throttle's input, one store partition per partition of it. */
    ErrorGroupsQuery(KafkaStreams streams, Peers peers, StorePartitions partitions, String sourceTopic) {
        this.streams = streams;
        this.peers = peers;
        this.partitions = partitions;
        this.sourceTopic = sourceTopic;
    }

    /** The most recent groups across every instance. */
    List<View> list(String service, String environment, int limit) {
        LocalPart<View> local = local(service, environment, limit);
        String path = "/api/error-groups" + Query.of("service", service, "environment", environment, "limit", String.valueOf(limit));
        List<View> all = new ArrayList<>(peers.gather(StoreNames.ERRORS.groups(), local, path, new TypeReference<List<View>>() { }));
        all.sort(MOST_RECENT_FIRST);
        return all.subList(0, Math.min(limit, all.size()));
    }

    Optional<View> one(String fingerprint, boolean localOnly) {
        KeyQueryMetadata owner = streams.queryMetadataForKey(StoreNames.ERRORS.groups(), fingerprint, new StringSerializer());
        if (owner == null || owner.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            throw new Peers.NotReadyException("no instance owns the error groups yet (" + streams.state() + ")");
        }
        if (!localOnly && !owner.activeHost().equals(peers.self())) {
            return peers.get(owner.activeHost(), "/api/error-groups/" + fingerprint, new TypeReference<View>() { });
        }
        ErrorGroup group = partitions.store(StoreNames.ERRORS.groups(),
                QueryableStoreTypes.<String, ErrorGroup>keyValueStore(), owner.partition()).get(fingerprint);
        if (group == null) {
            return Optional.empty();
        }
        return Optional.of(View.of(group, partitions.store(StoreNames.ERRORS.samples(),
                QueryableStoreTypes.<String, ExceptionEvent>keyValueStore(), owner.partition()).get(fingerprint)));
    }

    /** The most recent groups in this instance's active partitions only. */
    LocalPart<View> local(String service, String environment, int limit) {
        List<View> out = new ArrayList<>();
        StorePartitions.Owned owned = partitions.mine(StoreNames.ERRORS.groups(), sourceTopic);
        for (int partition : owned.mine()) {
            out.addAll(local(partition, service, environment));
        }
        out.sort(MOST_RECENT_FIRST);
        return new LocalPart<>(owned.mine(), owned.total(), out.subList(0, Math.min(limit, out.size())));
    }

    private List<View> local(int partition, String service, String environment) {
        ReadOnlyKeyValueStore<String, ErrorGroup> groups =
                partitions.store(StoreNames.ERRORS.groups(), QueryableStoreTypes.<String, ErrorGroup>keyValueStore(), partition);
        List<View> out = new ArrayList<>();
        if (service != null) {
            ReadOnlyKeyValueStore<String, String> index =
                    partitions.store(StoreNames.ERRORS.byService(), QueryableStoreTypes.<String, String>keyValueStore(), partition);
            String prefix = service + "/" + (environment == null ? "" : environment + "/");
            try (KeyValueIterator<String, String> it = index.prefixScan(prefix, new StringSerializer())) {
                it.forEachRemaining(kv -> Optional.ofNullable(groups.get(kv.value)).ifPresent(g -> out.add(View.of(g, null))));
            }
        } else {
            try (KeyValueIterator<String, ErrorGroup> it = groups.all()) {
                it.forEachRemaining(kv -> {
                    if (environment == null || environment.equals(kv.value.environment())) {
                        out.add(View.of(kv.value, null));
                    }
                });
            }
        }
        return out;
    }
}
