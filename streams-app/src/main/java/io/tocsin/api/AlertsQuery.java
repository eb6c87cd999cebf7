package io.tocsin.api;

import com.fasterxml.jackson.core.type.TypeReference;
import io.tocsin.history.AlertHistory;
import io.tocsin.history.DeliveryUpdate;
import io.tocsin.model.AlertKind;
import io.tocsin.topology.StoreNames;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Recent alerts and where each stands with its route, from the alert history store: one key's (read where its
 * partition is active) or every key's matching a service and kinds (merged from every instance, newest first).
 */
final class AlertsQuery {

    static final int DEFAULT_LIMIT = 50;

    /** {@code key}: one alert key only; {@code kinds} empty: every kind. */
    record Filter(String key, String service, Set<AlertKind> kinds, int limit) {

        Filter {
            kinds = kinds.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(kinds));
        }

        /** Kinds named in a query ({@code INSTANCE_DOWN,SERVICE_DOWN}); a name that is no kind is refused. */
        static Set<AlertKind> parseKinds(String names) {
            if (names == null || names.isBlank()) {
                return Set.of();
            }
            try {
                return Arrays.stream(names.split(",")).map(String::trim).filter(n -> !n.isEmpty())
                        .map(n -> AlertKind.valueOf(n.toUpperCase(Locale.ROOT))).collect(Collectors.toSet());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("kind must be a comma-separated list of " + Arrays.toString(AlertKind.values()));
            }
        }

        boolean matches(DeliveryUpdate a) {
            return (service == null || service.equals(a.service())) && (kinds.isEmpty() || kinds.contains(a.kind()));
        }

        String query() {
            return Query.of("key", key, "service", service, "kind", kinds.isEmpty() ? null
                    : kinds.stream().map(Enum::name).sorted().collect(Collectors.joining(",")), "limit", String.valueOf(limit));
        }
    }

    private final KafkaStreams streams;
    private final Peers peers;
    private final StorePartitions partitions;
    private final String sourceTopic;

    /** {@code sourceTopic}: the notifier's decisions, one store partition per partition of it. */
    AlertsQuery(KafkaStreams streams, Peers peers, StorePartitions partitions, String sourceTopic) {
        this.streams = streams;
        this.peers = peers;
        this.partitions = partitions;
        this.sourceTopic = sourceTopic;
    }

    /** Every matching alert, newest first, at most {@code limit}. */
    List<DeliveryUpdate> list(Filter filter, boolean localOnly) {
        if (filter.key() != null) {
            return ofKey(filter, localOnly);
        }
        List<DeliveryUpdate> all = new ArrayList<>(peers.gather(StoreNames.ALERT_HISTORY, local(filter), "/api/alerts" + filter.query(),
                new TypeReference<List<DeliveryUpdate>>() { }));
        return newest(all, filter.limit());
    }

    /** Matching alerts of every key in this instance's active partitions only. */
    LocalPart<DeliveryUpdate> local(Filter filter) {
        StorePartitions.Owned owned = partitions.mine(StoreNames.ALERT_HISTORY, sourceTopic);
        boolean availabilityOnly = !filter.kinds().isEmpty() && AlertHistory.AVAILABILITY.containsAll(filter.kinds());
        List<DeliveryUpdate> out = new ArrayList<>();
        for (int partition : owned.mine()) {
            ReadOnlyKeyValueStore<String, AlertHistory> store = store(partition);
            try (KeyValueIterator<String, AlertHistory> it = availabilityOnly
                    ? store.prefixScan(AlertHistory.storeKey(AlertKind.INSTANCE_DOWN, ""), new StringSerializer()) : store.all()) {
                it.forEachRemaining(kv -> kv.value.alerts().stream().filter(filter::matches).forEach(out::add));
            }
        }
        return new LocalPart<>(owned.mine(), owned.total(), newest(out, filter.limit()));
    }

    private List<DeliveryUpdate> ofKey(Filter filter, boolean localOnly) {
        KeyQueryMetadata owner = streams.queryMetadataForKey(StoreNames.ALERT_HISTORY, filter.key(), new StringSerializer());
        if (owner == null || owner.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            throw new Peers.NotReadyException("no instance owns the alert history yet (" + streams.state() + ")");
        }
        if (!localOnly && !owner.activeHost().equals(peers.self())) {
            return peers.get(owner.activeHost(), "/api/alerts" + filter.query(), new TypeReference<List<DeliveryUpdate>>() { })
                    .orElse(List.of());
        }
        ReadOnlyKeyValueStore<String, AlertHistory> store = store(owner.partition());
        List<DeliveryUpdate> out = new ArrayList<>();
        for (String storeKey : AlertHistory.storeKeys(filter.key())) {
            AlertHistory h = store.get(storeKey);
            if (h != null) {
                h.alerts().stream().filter(filter::matches).forEach(out::add);
            }
        }
        return newest(out, filter.limit());
    }

    private ReadOnlyKeyValueStore<String, AlertHistory> store(int partition) {
        return partitions.store(StoreNames.ALERT_HISTORY, QueryableStoreTypes.<String, AlertHistory>keyValueStore(), partition);
    }

    private static List<DeliveryUpdate> newest(List<DeliveryUpdate> alerts, int limit) {
        List<DeliveryUpdate> out = new ArrayList<>(alerts);
        out.sort(AlertHistory.NEWEST_FIRST);
        return List.copyOf(out.subList(0, Math.min(limit, out.size())));
    }
}
