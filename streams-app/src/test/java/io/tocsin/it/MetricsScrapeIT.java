package io.tocsin.it;

import static io.tocsin.testing.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tocsin.app.TocsinApp;
import io.tocsin.broker.EmbeddedKafkaBroker;
import io.tocsin.config.AppConfig;
import io.tocsin.config.KafkaClients;
import io.tocsin.model.EventCodec;
import io.tocsin.testing.ScaledTimeout;
import io.tocsin.topology.Events;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard shipped in {@code docs/grafana/tocsin-dashboard.json} draws on series a real app serves: after
 * real traffic on the embedded broker (exception events, one throttled, one silenced; a malformed record; a heartbeat;
 * an alert delivered to a stand-in Slack), every metric named in the dashboard's PromQL is in a scrape of
 * {@code GET /metrics}, and the figures the traffic must have moved have moved.
 */
@ScaledTimeout(seconds = 240)
class MetricsScrapeIT {

    /**
     * The one series of the dashboard served only with {@code watchdog.url} set (WatchdogIT reads it): the watchdog's
     * canaries would add to the exact counts this test checks.
     */
    private static final String ADDED_BY_THE_WATCHDOG = "tocsin_watchdog_canary_age_seconds";
    private static final Set<String> PROMQL_WORDS = Set.of("and", "or", "unless", "bool", "offset");
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*+(?!\\s*\\()");

    private final EventCodec codec = new EventCodec();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void everySeriesOfTheDashboardIsServedAfterRealTraffic() throws Exception {
        Set<String> dashboard = dashboardMetrics();
        assertThat(dashboard).as("metrics the dashboard reads").contains(ADDED_BY_THE_WATCHDOG).hasSizeGreaterThan(10);
        dashboard.remove(ADDED_BY_THE_WATCHDOG);

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startOnFreePort(); RecordingSlack slack = new RecordingSlack()) {
            AppConfig config = Apps.config(broker, slack, Map.of("application.id", "tocsin-metrics-it",
                    "topic.prefix", "metrics.", "topic.partitions", "1", "error.alert.limit", "1"));
            try (TocsinApp app = Apps.start(config)) {
                String silenceId = silence(app, "hushed-svc");
                await("silence visible", Duration.ofSeconds(20)).until(() -> get(app, "/api/silences").contains(silenceId));

                Instant now = Instant.now();
                send(config, "errors", "loud-svc/loud-svc-1", Events.exception("loud-svc", "java.lang.IllegalStateException", "boom", now, "e-1"));
                // the same group again: over the limit of 1, throttled
                send(config, "errors", "loud-svc/loud-svc-1", Events.exception("loud-svc", "java.lang.IllegalStateException", "boom", now, "e-2"));
                send(config, "errors", "hushed-svc/hushed-svc-1", Events.exception("hushed-svc", "java.lang.IllegalStateException", "boom", now, "e-3"));
                send(config, "errors", "bad/bad-1", "{not json");
                send(config, "heartbeats", "chat/chat-1", Events.heartbeat("chat", "chat-1", now, 3000, "UP"));
                await("the alert posted", Duration.ofSeconds(60)).until(() -> !slack.postsContaining("loud-svc").isEmpty());

                await("every series of the dashboard in /metrics", Duration.ofSeconds(60)).untilAsserted(() -> {
                    Scrape scrape = new Scrape(get(app, "/metrics"));
                    Files.writeString(Path.of("target", "metrics-scrape-it.txt"), scrape.text()); // to read when it fails
                    assertThat(scrape.names()).as("series served").containsAll(dashboard);
                    assertThat(scrape.sum("kafka_stream_tocsin_events_in_total", "input=\"errors\"")).isEqualTo(4);
                    assertThat(scrape.sum("kafka_stream_tocsin_events_in_total", "input=\"heartbeats\"")).isEqualTo(1);
                    assertThat(scrape.sum("kafka_stream_tocsin_dead_letters_total", "reason=\"malformed\"")).isEqualTo(1);
                    assertThat(scrape.sum("kafka_stream_tocsin_alerts_total", "kind=\"ERROR\"")).isEqualTo(2);
                    assertThat(scrape.sum("kafka_stream_tocsin_alerts_suppressed_total", "kind=\"ERROR\"")).isEqualTo(1);
                    assertThat(scrape.sum("kafka_stream_tocsin_alerts_silenced_total", "reason=\"silence\"")).isEqualTo(1);
                    assertThat(scrape.sum("kafka_stream_tocsin_error_groups", "")).isEqualTo(2);
                    assertThat(scrape.sum("kafka_stream_tocsin_instances", "status=\"UP\"")).isEqualTo(1);
                    assertThat(scrape.sum("tocsin_notifier_delivered_total", "kind=\"ERROR\"")).isEqualTo(1);
                    assertThat(scrape.sum("tocsin_slack_request_seconds_count", "route=\"default\"")).isGreaterThanOrEqualTo(1);
                    assertThat(scrape.sum("kafka_consumer_fetch_manager_records_lag", "topic=\"metrics.errors\""))
                            .as("lag of the errors topic, read to its end").isZero();
                });
            }
        }
    }

    /** Every metric name in the dashboard's PromQL expressions. */
    private Set<String> dashboardMetrics() throws Exception {
        JsonNode dashboard = codec.mapper().readTree(Files.readString(dashboardFile()));
        Set<String> names = new TreeSet<>();
        for (JsonNode expr : dashboard.findValues("expr")) {
            names.addAll(metricNames(expr.asText()));
        }
        return names;
    }

    static Set<String> metricNames(String promql) {
        String bare = promql.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "")
                .replaceAll("\\{[^}]*}", "")
                .replaceAll("\\[[^]]*]", "")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", "");
        Set<String> names = new TreeSet<>();
        Matcher m = NAME.matcher(bare);
        while (m.find()) {
            if (!PROMQL_WORDS.contains(m.group())) {
                names.add(m.group());
            }
        }
        return names;
    }

    private static Path dashboardFile() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path file = dir.resolve("docs/grafana/tocsin-dashboard.json");
            if (Files.exists(file)) {
                return file;
            }
        }
        throw new AssertionError("docs/grafana/tocsin-dashboard.json not found above " + Path.of("").toAbsolutePath());
    }

    /** A Prometheus text scrape: the series names, and sums of samples. */
    private record Scrape(String text) {

        Set<String> names() {
            Set<String> names = new TreeSet<>();
            for (String line : lines()) {
                names.add(line.split("[{ ]", 2)[0]);
            }
            return names;
        }

        /** The sum of the samples of {@code name} whose labels contain {@code label} (e.g. {@code kind="ERROR"}). */
        double sum(String name, String label) {
            double sum = 0;
            for (String line : lines()) {
                String series = line.substring(0, line.lastIndexOf(' '));
                if (series.split("\\{", 2)[0].equals(name) && series.contains(label)) {
                    sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return sum;
        }

        private List<String> lines() {
            List<String> out = new ArrayList<>();
            for (String line : text.split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    out.add(line);
                }
            }
            return out;
        }
    }

    private String silence(TocsinApp app, String service) throws Exception {
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.httpPort() + "/api/silences"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"matchers\":{\"service\":\"" + service
                        + "\"},\"duration\":\"1h\",\"createdBy\":\"ops\",\"comment\":\"metrics test\"}"))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return codec.mapper().readTree(created.body()).path("id").asText();
    }

    private static void send(AppConfig config, String topic, String key, String value) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClients.producer(config))) {
            producer.send(new ProducerRecord<>(config.topicPrefix() + topic, key, value.getBytes(StandardCharsets.UTF_8))).get();
        }
    }

    private String get(TocsinApp app, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.httpPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
