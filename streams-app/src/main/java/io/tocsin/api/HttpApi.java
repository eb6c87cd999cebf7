package io.tocsin.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tocsin.config.AppConfig;
import io.tocsin.config.HttpAccess;
import io.tocsin.routing.Silence;
import io.tocsin.console.ConsoleFiles;
import io.tocsin.model.Topics;
import io.tocsin.topology.StoreNames;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.time.Clock;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
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
    static final int BODY_MAX = 64 * 1024;

    private final HttpServer server;
    private final ExecutorService executor;
    private final ScheduledExecutorService expiry;
    private final ObjectMapper mapper;
    private final HttpAccess access;
    private List<HealthPart> parts;
    private PrometheusMeterRegistry metrics;
    private InstancesQuery instances;
    private ErrorGroupsQuery errorGroups;
    private AlertsQuery alerts;
    private SilencesApi silences;
    private PostMortems postMortems;

    private HttpApi(HttpServer server, HttpAccess access, ObjectMapper mapper) {
        this.server = server;
        this.access = access;
        this.mapper = mapper;
        this.executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "tocsin-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        this.expiry = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tocsin-silence-expiry");
            t.setDaemon(true);
            return t;
        });
    }

    /** Binds the port first: with {@code http.port=0} the real port must be known before Kafka Streams starts. */
    public static HttpApi bind(int port, HttpAccess access, ObjectMapper mapper) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(access.bind(), port), 64);
            if (access.token().isEmpty() && !access.loopbackOnly()) {
                LOG.warn("the HTTP API listens on {} without http.token: reads are open, changes (silences) are refused", access.bind());
            }
            return new HttpApi(server, access, mapper);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + access.bind() + ":" + port + " (http.bind, http.port): " + e.getMessage(), e);
        }
    }

    /** Starts serving; {@code self} is this instance's {@code application.server}, where peers reach it. */
    public HttpApi serve(KafkaStreams kafkaStreams, AppConfig config, PrometheusMeterRegistry registry, HostInfo self,
                         KafkaProducer<String, byte[]> producer, String silencesTopic, List<HealthPart> healthParts) {
        String applicationId = config.applicationId();
        this.postMortems = new PostMortems(config, mapper);
        this.parts = List.copyOf(healthParts);
        this.metrics = registry;
        Peers peers = new Peers(kafkaStreams, self, mapper, access.tokenForReads() ? access.token() : Optional.empty());
        StorePartitions partitions = new StorePartitions(kafkaStreams, self, topic -> producer.partitionsFor(topic).size());
        this.instances = new InstancesQuery(peers, partitions, StoreNames.repartitionTopic(applicationId, StoreNames.HEARTBEATS_BY_SERVICE));
        this.errorGroups = new ErrorGroupsQuery(kafkaStreams, peers, partitions,
                StoreNames.repartitionTopic(applicationId, StoreNames.ERRORS_BY_FINGERPRINT));
        this.alerts = new AlertsQuery(kafkaStreams, peers, partitions, new Topics(config.topicPrefix()).alertDeliveries());
        this.silences = new SilencesApi(kafkaStreams, producer, silencesTopic, mapper, Clock.systemUTC(), access.silenceMaxDuration());
        routes();
        expiry.scheduleWithFixedDelay(this::expireSilences, 1, 10, TimeUnit.MINUTES);
        server.start();
        LOG.info("HTTP API on port {}", port());
        return this;
    }

    private void expireSilences() {
        try {
            int n = silences.expireEnded();
            if (n > 0) {
                LOG.info("expired {} silence(s) that ended more than {} h ago", n, SilencesApi.KEEP_ENDED_H);
            }
        } catch (RuntimeException e) {
            LOG.debug("silence expiry skipped this time: {}", e.getMessage());
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * Everything answers at the root and, with {@code http.base-path}, under it too: a reverse proxy may strip the
     * prefix or keep it, and peers always call each other at the root.
     */
    private void routes() {
        ConsoleFiles console = ConsoleFiles.load();
        for (String base : access.basePath().isEmpty() ? List.of("") : List.of("", access.basePath())) {
            server.createContext(base + "/health/live", ex -> json(ex, 200, Map.of("status", "UP")));
            server.createContext(base + "/health/ready", this::ready);
            server.createContext(base + "/health", this::ready);
            server.createContext(base + "/metrics", ex -> respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape()));
            server.createContext(base + "/api/access", this::accessOf);
            server.createContext(base + "/api/instances", guarded(this::instances));
            server.createContext(base + "/api/error-groups", guarded(this::errorGroups));
            server.createContext(base + "/api/silences", guarded(this::silences));
            server.createContext(base + "/api/alerts", guarded(this::alerts));
            server.createContext(base + "/api/post-mortem", guarded(this::postMortem));
            server.createContext(base + "/", ex -> console.handle(ex, localPath(ex)));
        }
    }

    /** The request path without {@code http.base-path}, so one handler serves both. */
    private String localPath(HttpExchange ex) {
        String path = ex.getRequestURI().getPath();
        String base = access.basePath();
        if (!base.isEmpty() && (path.equals(base) || path.startsWith(base + "/"))) {
            return path.substring(base.length());
        }
        return path;
    }

    /**
     * What the console may offer this request: whether a token is configured, whether reads and changes would be
     * accepted with the credentials it carries (so a login form can tell a wrong token at once).
     */
    private void accessOf(HttpExchange ex) throws IOException {
        boolean bearerOk = access.token().isPresent() && bearerMatches(ex, access.token().get());
        boolean changes = access.token().isPresent() ? bearerOk : access.openForChanges();
        boolean reads = !access.tokenForReads() || access.token().isEmpty() || bearerOk;
        json(ex, 200, Map.of("tokenConfigured", access.token().isPresent(), "reads", reads, "changes", changes));
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
        String path = localPath(ex);
        try {
            InstancesQuery.Filter filter = new InstancesQuery.Filter(q.get("service"), q.get("environment"), q.get("load"),
                    "all".equals(q.get("status")));
            if (path.equals("/api/instances") || path.equals("/api/instances/")) {
                if (Peers.localOnly(q)) {
                    part(ex, instances.local(filter));
                } else {
                    json(ex, 200, instances.live(filter));
                }
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
        String rest = localPath(ex).substring("/api/error-groups".length()).replaceAll("^/+|/+$", "");
        try {
            if (rest.isEmpty()) {
                int limit = parseLimit(q.get("limit"));
                if (Peers.localOnly(q)) {
                    part(ex, errorGroups.local(q.get("service"), q.get("environment"), limit));
                } else {
                    List<Silence> active = silences.active();
                    json(ex, 200, errorGroups.list(q.get("service"), q.get("environment"), limit).stream()
                            .map(g -> markSilence(g, active)).toList());
                }
            } else if (rest.matches("[A-Za-z0-9._-]+")) {
                boolean localOnly = Peers.localOnly(q);
                var group = errorGroups.one(rest, localOnly);
                if (group.isPresent()) {
                    json(ex, 200, localOnly ? group.get() : markSilence(group.get(), silences.active()));
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

    private void alerts(HttpExchange ex) throws IOException {
        Map<String, String> q = query(ex);
        if (!localPath(ex).replaceAll("/+$", "").equals("/api/alerts")) {
            json(ex, 404, Map.of("error", "not found"));
            return;
        }
        try {
            AlertsQuery.Filter filter = new AlertsQuery.Filter(q.get("key"), q.get("service"),
                    AlertsQuery.Filter.parseKinds(q.get("kind")), q.get("limit") == null ? AlertsQuery.DEFAULT_LIMIT : parseLimit(q.get("limit")));
            if (Peers.localOnly(q) && filter.key() == null) {
                part(ex, alerts.local(filter));
            } else {
                json(ex, 200, alerts.list(filter, Peers.localOnly(q)));
            }
        } catch (IllegalArgumentException e) {
            json(ex, 400, Map.of("error", e.getMessage()));
        } catch (Peers.NotReadyException e) {
            json(ex, 503, Map.of("error", e.getMessage()));
        }
    }

    private void silences(HttpExchange ex) throws IOException {
        String id = localPath(ex).substring("/api/silences".length()).replaceAll("^/+|/+$", "");
        String method = ex.getRequestMethod();
        try {
            if (id.isEmpty() && method.equals("GET")) {
                json(ex, 200, silences.list("true".equals(query(ex).get("ended"))));
            } else if (id.endsWith("/expire") && method.equals("POST")) {
                var ended = silences.expire(id.substring(0, id.length() - "/expire".length()));
                if (ended.isPresent()) {
                    json(ex, 200, ended.get());
                } else {
                    json(ex, 404, Map.of("error", "no silence " + id));
                }
            } else if (id.isEmpty() && method.equals("POST")) {
                json(ex, 201, silences.create(jsonBody(ex)));
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
        } catch (RefusedException e) {
            json(ex, e.status, Map.of("error", e.getMessage()));
        } catch (IllegalArgumentException e) {
            json(ex, 400, Map.of("error", e.getMessage()));
        } catch (Peers.NotReadyException e) {
            json(ex, 503, Map.of("error", e.getMessage()));
        }
    }

    /** GET: the current or last run; POST: start one (a change: it costs the app a replay); DELETE: stop it. */
    private void postMortem(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        try {
            if (method.equals("GET")) {
                json(ex, 200, postMortems.status());
            } else if (method.equals("POST")) {
                json(ex, 202, postMortems.start(jsonBody(ex)));
            } else if (method.equals("DELETE")) {
                postMortems.cancel();
                json(ex, 200, postMortems.status());
            } else {
                json(ex, 405, Map.of("error", method + " is not supported here"));
            }
        } catch (RefusedException e) {
            json(ex, e.status, Map.of("error", e.getMessage()));
        } catch (IllegalStateException e) {
            json(ex, 409, Map.of("error", e.getMessage()));
        } catch (IllegalArgumentException e) {
            json(ex, 400, Map.of("error", e.getMessage().replace("--to", "'to'").replace("--from", "'from'")));
        }
    }

    private ErrorGroupsQuery.View markSilence(ErrorGroupsQuery.View g, List<Silence> active) {
        return silences.silencing(g.fingerprint(), g.service(), g.environment(), active).map(g::silencedBy).orElse(g);
    }

    /**
     * Every /api request passes here: a change (any method but GET/HEAD) needs the token, or a loopback-only API
     * without one; a read needs it when {@code http.token.reads} is set.
     */
    private HttpHandler guarded(HttpHandler handler) {
        return ex -> {
            boolean change = !ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD");
            if (change && access.token().isEmpty() && !access.openForChanges()) {
                json(ex, 403, Map.of("error", "changes are refused: this API listens on " + access.bind()
                        + " without http.token; set http.token and send 'Authorization: Bearer <token>'"));
            } else if ((change || access.tokenForReads()) && access.token().isPresent() && !bearerMatches(ex, access.token().get())) {
                ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"tocsin\"");
                json(ex, 401, Map.of("error", "send 'Authorization: Bearer <http.token>'"));
            } else {
                answerFailures(ex, handler);
            }
        };
    }

    /**
     * A store can close under a read while the group moves partitions (a peer died, a task was wiped): that is a 503
     * like any other "not now". Anything else is a 500 with the reason; without this the JDK server drops the
     * connection with no answer at all.
     */
    private void answerFailures(HttpExchange ex, HttpHandler handler) throws IOException {
        try {
            handler.handle(ex);
        } catch (InvalidStateStoreException e) {
            json(ex, 503, Map.of("error", "the store moved while it was read; ask again (" + e.getMessage() + ")"));
        } catch (RuntimeException e) {
            LOG.error("{} {} failed", ex.getRequestMethod(), ex.getRequestURI().getPath(), e);
            json(ex, 500, Map.of("error", String.valueOf(e.getMessage())));
        }
    }

    private static boolean bearerMatches(HttpExchange ex, String token) {
        String header = ex.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        // constant time, so the token cannot be guessed byte by byte from response times
        return MessageDigest.isEqual(header.substring(7).trim().getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
    }

    /** A JSON body of at most {@value #BODY_MAX} bytes; a form or text body is refused, so a web page cannot post one cross-site. */
    private static String jsonBody(HttpExchange ex) throws IOException {
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).strip().matches("application/json\\s*(;.*)?")) {
            throw new RefusedException(415, "Content-Type must be application/json");
        }
        byte[] body = ex.getRequestBody().readNBytes(BODY_MAX + 1);
        if (body.length > BODY_MAX) {
            throw new RefusedException(413, "the body is larger than " + BODY_MAX + " bytes");
        }
        return new String(body, StandardCharsets.UTF_8);
    }

    /** A request refused with its own status. */
    private static final class RefusedException extends RuntimeException {
        final int status;

        RefusedException(int status, String message) {
            super(message);
            this.status = status;
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

    /** A share of a merged answer, for the peer that merges it. */
    private void part(HttpExchange ex, LocalPart<?> part) throws IOException {
        ex.getResponseHeaders().set(LocalPart.HEADER, part.header());
        json(ex, 200, part.items());
    }

    private void json(HttpExchange ex, int status, Object body) throws IOException {
        respond(ex, status, "application/json", mapper.writeValueAsString(body));
    }

    private static void respond(HttpExchange ex, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        if (postMortems != null) {
            postMortems.close();
        }
        expiry.shutdownNow();
        executor.shutdownNow();
    }
}
