package io.tocsin.api;

import io.tocsin.heartbeat.InstanceEntry;
import io.tocsin.heartbeat.InstanceStatus;
import io.tocsin.topology.AlertTopology;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Live instances from the heartbeat monitor's store, least loaded first. Reads this client's local partitions;
 * with one streams-app instance that is every instance.
 */
public final class InstancesQuery {

    private final KafkaStreams streams;

    public InstancesQuery(KafkaStreams streams) {
        this.streams = streams;
    }

    public List<InstanceEntry> live(String service, String environment, String loadFigure) {
        List<InstanceEntry> out = new ArrayList<>();
        try (KeyValueIterator<String, InstanceEntry> it = scan(service)) {
            while (it.hasNext()) {
                KeyValue<String, InstanceEntry> kv = it.next();
                InstanceEntry e = kv.value;
                if (e.status() == InstanceStatus.UP && (service == null || service.equals(e.service()))
                        && (environment == null || environment.equals(e.environment()))) {
                    out.add(e);
                }
            }
        }
        out.sort(Comparator.comparingDouble((InstanceEntry e) -> load(e, loadFigure)).thenComparing(InstanceEntry::key));
        return out;
    }

    public Optional<InstanceEntry> best(String service, String environment, String loadFigure) {
        return live(service, environment, loadFigure).stream().findFirst();
    }

    private KeyValueIterator<String, InstanceEntry> scan(String service) {
        ReadOnlyKeyValueStore<String, InstanceEntry> store;
        try {
            store = streams.store(StoreQueryParameters.fromNameAndType(AlertTopology.INSTANCES_STORE,
                    QueryableStoreTypes.<String, InstanceEntry>keyValueStore()));
        } catch (InvalidStateStoreException e) {
            throw new NotReadyException("the instance registry is not queryable yet (" + streams.state() + ")");
        }
        // keys are service/instance, so one service is one key range
        return service == null ? store.all() : store.prefixScan(service + "/", new StringSerializer());
    }

    private static double load(InstanceEntry e, String figure) {
        if (figure == null) {
            return e.primaryLoad();
        }
        Double v = e.load().get(figure);
        return v == null ? Double.MAX_VALUE : v;
    }

    public static final class NotReadyException extends RuntimeException {
        NotReadyException(String message) {
            super(message);
        }
    }
}
