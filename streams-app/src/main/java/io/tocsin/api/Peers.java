package io.tocsin.api;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The other streams-app instances of this application, reached over HTTP at their {@code application.server}: each
 * answers {@code scope=local} requests from its own active partitions only, so merged answers hold every entry once.
 */
final class Peers {

    /** The query parameter that asks an instance for its own part only, so it does not ask the others in turn. */
    static final String SCOPE = "scope";
    static final String LOCAL = "local";
    private static final String LOCAL_SCOPE = SCOPE + "=" + LOCAL;
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final KafkaStreams streams;
    private final HostInfo self;
    private final ObjectMapper mapper;
    private final Optional<String> token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    /** {@code token}: sent to peers when reads need it ({@code http.token.reads}); every instance shares it. */
    Peers(KafkaStreams streams, HostInfo self, ObjectMapper mapper, Optional<String> token) {
        this.token = token;
        this.streams = streams;
        this.self = self;
        this.mapper = mapper;
    }

    static boolean localOnly(java.util.Map<String, String> query) {
        return LOCAL.equals(query.get(SCOPE));
    }

    HostInfo self() {
        return self;
    }

    /**
     * The local answer plus every other host's local answer for the same path, if together they cover every
     * partition of the store exactly once (hosts see a rebalance at slightly different moments).
     */
    <T> List<T> gather(String store, LocalPart<T> local, String pathAndQuery, TypeReference<List<T>> type) {
        List<T> out = new ArrayList<>(local.items());
        List<Integer> covered = new ArrayList<>(local.partitions());
        for (StreamsMetadata host : streams.streamsMetadataForStore(store)) {
            if (!host.hostInfo().equals(self)) {
                HttpResponse<String> r = send(host.hostInfo(), pathAndQuery);
                if (r.statusCode() != 200) {
                    throw new NotReadyException("streams-app at " + host.hostInfo() + " answered " + r.statusCode());
                }
                covered.addAll(LocalPart.parseHeader(r.headers().firstValue(LocalPart.HEADER).orElse(null)));
                out.addAll(read(r, type));
            }
        }
        if (covered.size() != local.total() || new java.util.HashSet<>(covered).size() != local.total()) {
            throw new NotReadyException(store + ": partitions are moving (answers covered " + covered.stream().sorted().toList()
                    + " of " + local.total() + ")");
        }
        return out;
    }

    /** One host's local answer; empty on 404. */
    <T> Optional<T> get(HostInfo host, String pathAndQuery, TypeReference<T> type) {
        HttpResponse<String> r = send(host, pathAndQuery);
        if (r.statusCode() == 404) {
            return Optional.empty();
        }
        if (r.statusCode() != 200) {
            throw new NotReadyException("streams-app at " + host + " answered " + r.statusCode());
        }
        return Optional.of(read(r, type));
    }

    private <T> T read(HttpResponse<String> r, TypeReference<T> type) {
        try {
            return mapper.readValue(r.body(), type);
        } catch (IOException e) {
            throw new NotReadyException("unreadable answer from " + r.uri() + ": " + e.getMessage());
        }
    }

    private HttpResponse<String> send(HostInfo host, String pathAndQuery) {
        String sep = pathAndQuery.contains("?") ? "&" : "?";
        URI uri = URI.create("http://" + host.host() + ":" + host.port() + pathAndQuery + sep + LOCAL_SCOPE);
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET();
            token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new NotReadyException("streams-app at " + host + " did not answer: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotReadyException("interrupted");
        }
    }

    /** The data cannot be read right now (starting, rebalancing, a peer unreachable): HTTP 503. */
    static final class NotReadyException extends RuntimeException {
        NotReadyException(String message) {
            super(message);
        }
    }
}
