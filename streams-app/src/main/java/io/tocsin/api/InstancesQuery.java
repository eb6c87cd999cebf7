package io.tocsin.api;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tocsin.heartbeat.InstanceEntry;
import io.tocsin.heartbeat.InstanceStatus;
import io.tocsin.topology.AlertTopology;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Live instances from the heartbeat monitor's store, least loaded first, merged across every streams-app instance:
 * this one's active partitions are read locally, every other instance that hosts part of the store is asked for its
 * own ({@code scope=local}) over HTTP at its {@code application.server}. Only active stores are read, so each
 * instance appears once.
 */
public final class InstancesQuery {

    public static final String LOCAL_SCOPE = "local";
    private static final Duration REMOTE_TIMEOUT = Duration.ofSeconds(3);

    private final KafkaStreams streams;
    private final HostInfo self;
    private final ObjectMapper mapper;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(REMOTE_TIMEOUT).build();

    public InstancesQuery(KafkaStreams streams, HostInfo self, ObjectMapper mapper) {
        this.streams = streams;
        this.self = self;
        this.mapper = mapper;
    }

    public record Filter(String service, String environment, String loadFigure) {
        String query() {
            StringBuilder q = new StringBuilder("scope=" + LOCAL_SCOPE);
            append(q, "service", service);
            append(q, "environment", environment);
            return q.toString();
        }

        private static void append(StringBuilder q, String name, String value) {
            if (value != null) {
                q.append('&').append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        }
    }

    /** Every live instance matching the filter, from all streams-app instances, least loaded first. */
    public List<InstanceEntry> live(Filter filter) {
        List<InstanceEntry> out = new ArrayList<>(local(filter));
        for (StreamsMetadata host : streams.streamsMetadataForStore(AlertTopology.INSTANCES_STORE)) {
            if (!host.hostInfo().equals(self)) {
                out.addAll(remote(host.hostInfo(), filter));
            }
        }
        return sorted(out, filter.loadFigure());
    }

    public Optional<InstanceEntry> best(Filter filter) {
        return live(filter).stream().findFirst();
    }

    /** Live instances in this streams-app instance's active partitions only. */
    public List<InstanceEntry> local(Filter filter) {
        List<InstanceEntry> out = new ArrayList<>();
        try (KeyValueIterator<String, InstanceEntry> it = scan(filter.service())) {
            while (it.hasNext()) {
                KeyValue<String, InstanceEntry> kv = it.next();
                InstanceEntry e = kv.value;
                if (e.status() == InstanceStatus.UP && (filter.service() == null || filter.service().equals(e.service()))
                        && (filter.environment() == null || filter.environment().equals(e.environment()))) {
                    out.add(e);
                }
            }
        }
        return sorted(out, filter.loadFigure());
    }

    private List<InstanceEntry> remote(HostInfo host, Filter filter) {
        URI uri = URI.create("http://" + host.host() + ":" + host.port() + "/api/instances?" + filter.query());
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(REMOTE_TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new NotReadyException("streams-app at " + host + " answered " + response.statusCode());
            }
            return mapper.readValue(response.body(), new TypeReference<List<InstanceEntry>>() { });
        } catch (IOException e) {
            throw new NotReadyException("streams-app at " + host + " did not answer: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotReadyException("interrupted");
        }
    }

    private static List<InstanceEntry> sorted(List<InstanceEntry> entries, String loadFigure) {
        List<InstanceEntry> out = new ArrayList<>(entries);
        out.sort(Comparator.comparingDouble((InstanceEntry e) -> load(e, loadFigure)).thenComparing(e -> e.key()));
        return out;
    }

    private KeyValueIterator<String, InstanceEntry> scan(String service) {
        ReadOnlyKeyValueStore<String, InstanceEntry> store;
        try {
            store = streams.store(StoreQueryParameters.fromNameAndType(AlertTopology.INSTANCES_STORE,
                    QueryableStoreTypes.<String, InstanceEntry>keyValueStore()));
        } catch (InvalidStateStoreException e) {
            throw new NotReadyException("the instance registry is not queryable yet (" + streams.state() + ")");
        }
        // keys are service/instance, so one service is one key prefix
        return service == null ? store.all() : store.prefixScan(service + "/", new StringSerializer());
    }

    private static double load(InstanceEntry e, String figure) {
        if (figure == null) {
            return e.primaryLoad();
        }
        Double v = e.load().get(figure);
        return v == null ? Double.MAX_VALUE : v;
    }

    /** The registry cannot be read right now (starting, rebalancing, a peer unreachable): HTTP 503. */
    public static final class NotReadyException extends RuntimeException {
        NotReadyException(String message) {
            super(message);
        }
    }
}
