package io.tocsin.it;

import static io.tocsin.testing.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.tocsin.agent.probe.KafkaEventSink;
import io.tocsin.agent.probe.ProbeSettings;
import io.tocsin.agent.probe.UrlProber;
import io.tocsin.app.TocsinApp;
import io.tocsin.broker.EmbeddedKafkaBroker;
import io.tocsin.config.AppConfig;
import io.tocsin.model.Alert;
import io.tocsin.model.AlertKind;
import io.tocsin.testing.ScaledTimeout;
import io.tocsin.testing.Slowness;
import io.tocsin.testing.Waits;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A real prober against a real local HTTP server that starts failing, then recovers. */
@ScaledTimeout(seconds = 120)
class UrlProberIT {

    @Test
    void aFailingHealthUrlGivesOneDownAlertWithTheReasonAndOneUpAlert() throws Exception {
        AtomicInteger status = new AtomicInteger(200);
        HttpServer site = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        site.createContext("/health", ex -> {
            byte[] body = (status.get() == 200 ? "ok" : "database unavailable").getBytes();
            ex.sendResponseHeaders(status.get(), body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        site.start();
        URI url = URI.create("http://127.0.0.1:" + site.getAddress().getPort() + "/health");
        String instance = ProbeSettings.instanceOf(url);

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startOnFreePort();
             RecordingSlack slack = new RecordingSlack()) {
            AppConfig config = Apps.config(broker, slack, Map.of("heartbeat.timeout", "1s"));
            try (TocsinApp app = Apps.start(config);
                 KafkaEventSink sink = new KafkaEventSink(broker.bootstrapServers(), config.topicPrefix());
                 // the probe's own timeout stretches with the machine, as a user would set it for a slow network
                 UrlProber prober = new UrlProber(new ProbeSettings(List.of(url), "it-site", "prod", Duration.ofMillis(500),
                         Slowness.scale(Duration.ofSeconds(1)), 2, Duration.ofMillis(100), "ok"), sink).start()) {
                await("registered", Duration.ofSeconds(30)).until(() -> registered(app, "it-site"));

                status.set(503); // the site starts failing
                await("down", Duration.ofSeconds(30)).until(() -> kinds(broker, config, instance).contains(AlertKind.INSTANCE_DOWN));
                status.set(200); // and recovers
                await("up", Duration.ofSeconds(30)).until(() -> kinds(broker, config, instance).contains(AlertKind.INSTANCE_UP));
                Waits.letTimePass(Duration.ofSeconds(3));

                List<Alert> alerts = Apps.alerts(broker.bootstrapServers(), config.topicPrefix() + "alerts").stream()
                        .filter(a -> instance.equals(a.instance()) && a.kind() != AlertKind.ERROR).toList();
                assertThat(alerts).extracting(Alert::kind).containsExactly(AlertKind.INSTANCE_DOWN, AlertKind.INSTANCE_UP);
                assertThat(alerts.get(0).text()).contains("HTTP 503 from " + url);
                assertThat(slack.postsContaining("HTTP 503 from " + url)).isNotEmpty();
            }
        } finally {
            site.stop(0);
        }
    }

    private static boolean registered(TocsinApp app, String service) throws Exception {
        var client = java.net.http.HttpClient.newHttpClient();
        var response = client.send(java.net.http.HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + app.httpPort() + "/api/instances?service=" + service)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200 && response.body().contains("probe:");
    }

    private static List<AlertKind> kinds(EmbeddedKafkaBroker broker, AppConfig config, String instance) {
        return Apps.alerts(broker.bootstrapServers(), config.topicPrefix() + "alerts").stream()
                .filter(a -> instance.equals(a.instance())).map(Alert::kind).toList();
    }
}
