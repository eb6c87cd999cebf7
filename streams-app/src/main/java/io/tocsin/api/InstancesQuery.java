package io.tocsin.api;

import com.fasterxml.jackson.core.type.TypeReference;
import io.tocsin.heartbeat.InstanceEntry;
import io.tocsin.heartbeat.InstanceStatus;
import io.tocsin.model.Keys;
import io.tocsin.topology.StoreNames;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Live instances from the heartbeat monitor's store, least loaded first, merged across every streams-app instance:
 * this one's active partitions are read locally, every other instance that hosts part of the store is asked for its
 * own over HTTP ({@link Peers}). Only active stores are read, partition by partition ({@link StorePartitions}), so
 * each instance appears once and none is missing while partitions move.
 */
public final class InstancesQuery {

    private final Peers peers;
    private final StorePartitions partitions;
    private final String sourceTopic;

    /** {@code sourceTopic}: the monitor's input, one store partition per partition of it. */
    InstancesQuery(Peers peers, StorePartitions partitions, String sourceTopic) {
        this.peers = peers;
        this.partitions = partitions;
        this.sourceTopic = sourceTopic;
    }

    /** {@code everyStatus}: down and stopped instances too (the console's view), not only the live ones to route to. */
    public record Filter(String service, String environment, String loadFigure, boolean everyStatus) {
        String query() {
            return Query.of("service", service, "environment", environment, "status", everyStatus ? "all" : null);
        }

        Filter liveOnly() {
            return new Filter(service, environment, loadFigure, false);
        }
    }

    /** Every live instance matching the filter, from all streams-app instances, least loaded first. */
    public List<InstanceEntry> live(Filter filter) {
        return sorted(peers.gather(StoreNames.INSTANCES, local(filter), "/api/instances" + filter.query(),
                new TypeReference<List<InstanceEntry>>() { }), filter.loadFigure());
    }

    public Optional<InstanceEntry> best(Filter filter) {
        return live(filter.liveOnly()).stream().findFirst();
    }

    /** Live instances in this streams-app instance's active partitions only. */
    LocalPart<InstanceEntry> local(Filter filter) {
        List<InstanceEntry> out = new ArrayList<>();
        StorePartitions.Owned owned = partitions.mine(StoreNames.INSTANCES, sourceTopic);
        for (int partition : owned.mine()) {
            try (KeyValueIterator<String, InstanceEntry> it = scan(partition, filter.service())) {
                while (it.hasNext()) {
                    InstanceEntry e = it.next().value;
                    if ((filter.everyStatus() || e.status() == InstanceStatus.UP) && (filter.service() == null || filter.service().equals(e.service()))
                            && (filter.environment() == null || filter.environment().equals(e.environment()))) {
                        out.add(e);
                    }
                }
            }
        }
        return new LocalPart<>(owned.mine(), owned.total(), sorted(out, filter.loadFigure()));
    }

    private static List<InstanceEntry> sorted(List<InstanceEntry> entries, String loadFigure) {
        List<InstanceEntry> out = new ArrayList<>(entries);
        out.sort(Comparator.comparingDouble((InstanceEntry e) -> load(e, loadFigure)).thenComparing(e -> e.key()));
        return out;
    }

    private KeyValueIterator<String, InstanceEntry> scan(int partition, String service) {
        ReadOnlyKeyValueStore<String, InstanceEntry> store =
                partitions.store(StoreNames.INSTANCES, QueryableStoreTypes.<String, InstanceEntry>keyValueStore(), partition);
        // keys are service/instance, so one service is one key prefix
        return service == null ? store.all() : store.prefixScan(Keys.prefix(service), new StringSerializer());
    }

    private static double load(InstanceEntry e, String figure) {
        if (figure == null) {
            return e.primaryLoad();
        }
        Double v = e.load().get(figure);
        return v == null ? Double.MAX_VALUE : v;
    }

}
