package io.tocsin.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.time.Clock;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The app's HTTP surface on the JDK's built-in server: health, Prometheus metrics and the query API.
 * Liveness is the process; readiness is every part that does the work ready: the streams client RUNNING (REBALANCING
 * is reported, not failed on liveness) and the notifier's thread alive.
 */
public final class HttpApi implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);

    private final HttpServer server;
    private final ExecutorService executor;
    private final ObjectMapper mapper;
    private List<HealthPart> parts;
    private PrometheusMeterRegistry metrics;
    private InstancesQuery instances;
    private ErrorGroupsQuery errorGroups;
    private SilencesApi silences;

    private HttpApi(HttpServer server, ObjectMapper mapper) {
        this.server = server;
        this.mapper = mapper;
        this.executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "tocsin-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
    }

    /** Binds the port first: with {@code http.port=0} the real port must be known before Kafka Streams starts. */
    public static HttpApi bind(int port, ObjectMapper mapper) {
        try {
            return new HttpApi(HttpServer.create(new InetSocketAddress(port), 64), mapper);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on http.port " + port + ": " + e.getMessage(), e);
        }
    }

    /** Starts serving; {@code self} is this instance's {@code application.server}, where peers reach it. */
    public HttpApi serve(KafkaStreams kafkaStreams, PrometheusMeterRegistry registry, HostInfo self,
                         KafkaProducer<String, byte[]> producer, String silencesTopic, List<HealthPart> healthParts) {
        this.parts = List.copyOf(healthParts);
        this.metrics = registry;
        Peers peers = new Peers(kafkaStreams, self, mapper);
        this.instances = new InstancesQuery(kafkaStreams, peers);
        this.errorGroups = new ErrorGroupsQuery(kafkaStreams, peers);
        this.silences = new SilencesApi(kafkaStreams, producer, silencesTopic, mapper, Clock.systemUTC());
        routes();
        server.start();
        LOG.info("HTTP API on port {}", port());
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void routes() {
        server.createContext("/health/live", ex -> json(ex, 200, Map.of("status", "UP")));
        server.createContext("/health/ready", this::ready);
        server.createContext("/health", this::ready);
        server.createContext("/metrics", ex -> respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape()));
        server.createContext("/api/instances", this::instances);
        server.createContext("/api/error-groups", this::errorGroups);
        server.createContext("/api/silences", this::silences);
    }

    private void ready(HttpExchange ex) throws IOException {
        boolean ready = parts.stream().allMatch(p -> p.ready().getAsBoolean());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", ready ? "UP" : "DOWN");
        parts.forEach(p -> body.put(p.name(), p.state().get()));
        json(ex, ready ? 200 : 503, body);
    }

    private void instances(HttpExchange ex) throws IOException {
        Map<String, String> q = query(ex);
        String path = ex.getRequestURI().getPath();
        try {
            InstancesQuery.Filter filter = new InstancesQuery.Filter(q.get("service"), q.get("environment"), q.get("load"));
            if (path.equals("/api/instances") || path.equals("/api/instances/")) {
                json(ex, 200, Peers.localOnly(q) ? instances.local(filter) : instances.live(filter));
            } else if (path.equals("/api/instances/best")) {
                var best = instances.best(filter);
                if (best.isPresent()) {
                    json(ex, 200, best.get());
                } else {
                    json(ex, 404, Map.of("error", "no live instance"));
                }
            } else {
                json(ex, 404, Map.of("error", "not found"));
            }
        } catch (Peers.NotReadyException e) {
            json(ex, 503, Map.of("error", e.getMessage()));
        }
    }

    private void errorGroups(HttpExchange ex) throws IOException {
        Map<String, String> q = query(ex);
        String rest = ex.getRequestURI().getPath().substring("/api/error-groups".length()).replaceAll("^/+|/+$", "");
        try {
            if (rest.isEmpty()) {
                int limit = parseLimit(q.get("limit"));
                json(ex, 200, errorGroups.list(q.get("service"), q.get("environment"), limit, Peers.localOnly(q)));
            } else if (rest.matches("[A-Za-z0-9._-]+")) {
                var group = errorGroups.one(rest, Peers.localOnly(q));
                if (group.isPresent()) {
                    json(ex, 200, group.get());
                } else {
                    json(ex, 404, Map.of("error", "no error group " + rest));
                }
            } else {
                json(ex, 404, Map.of("error", "not found"));
            }
        } catch (IllegalArgumentException e) {
            json(ex, 400, Map.of("error", e.getMessage()));
        } catch (Peers.NotReadyException e) {
            json(ex, 503, Map.of("error", e.getMessage()));
        }
    }

    private void silences(HttpExchange ex) throws IOException {
        String id = ex.getRequestURI().getPath().substring("/api/silences".length()).replaceAll("^/+|/+$", "");
        String method = ex.getRequestMethod();
        try {
            if (id.isEmpty() && method.equals("GET")) {
                json(ex, 200, silences.active());
            } else if (id.isEmpty() && method.equals("POST")) {
                String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                json(ex, 201, silences.create(body));
            } else if (!id.isEmpty() && method.equals("DELETE")) {
                var deleted = silences.delete(id);
                if (deleted.isPresent()) {
                    json(ex, 200, deleted.get());
                } else {
                    json(ex, 404, Map.of("error", "no silence " + id));
                }
            } else {
                json(ex, 405, Map.of("error", method + " is not supported here"));
            }
        } catch (IllegalArgumentException e) {
            json(ex, 400, Map.of("error", e.getMessage()));
        } catch (Peers.NotReadyException e) {
            json(ex, 503, Map.of("error", e.getMessage()));
        }
    }

    private static int parseLimit(String limit) {
        if (limit == null) {
            return ErrorGroupsQuery.DEFAULT_LIMIT;
        }
        try {
            int n = Integer.parseInt(limit);
            if (n < 1 || n > 10_000) {
                throw new IllegalArgumentException("limit must be between 1 and 10000");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("limit must be a number");
        }
    }

    private static Map<String, String> query(HttpExchange ex) {
        Map<String, String> out = new LinkedHashMap<>();
        String raw = ex.getRequestURI().getRawQuery();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (!v.isEmpty()) {
                out.put(k, v);
            }
        }
        return out;
    }

    private void json(HttpExchange ex, int status, Object body) throws IOException {
        respond(ex, status, "application/json", mapper.writeValueAsString(body));
    }

    private static void respond(HttpExchange ex, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
