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

    /** The local answer plus every other host's local answer for the same path. */
    <T> List<T> gather(String store, List<T> local, String pathAndQuery, TypeReference<List<T>> type) {
        List<T> out = new ArrayList<>(local);
        for (StreamsMetadata host : streams.streamsMetadataForStore(store)) {
            if (!host.hostInfo().equals(self)) {
                out.addAll(get(host.hostInfo(), pathAndQuery, type).orElseThrow(
                        () -> new NotReadyException("streams-app at " + host.hostInfo() + " has no answer for " + pathAndQuery)));
            }
        }
        return out;
    }

    /** One host's local answer; empty on 404. */
    <T> Optional<T> get(HostInfo host, String pathAndQuery, TypeReference<T> type) {
        String sep = pathAndQuery.contains("?") ? "&" : "?";
        URI uri = URI.create("http://" + host.host() + ":" + host.port() + pathAndQuery + sep + LOCAL_SCOPE);
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET();
            token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
            HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 404) {
                return Optional.empty();
            }
            if (r.statusCode() != 200) {
                throw new NotReadyException("streams-app at " + host + " answered " + r.statusCode());
            }
            return Optional.of(mapper.readValue(r.body(), type));
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
