package io.tocsin.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.app.TocsinApp;
import io.tocsin.broker.EmbeddedKafkaBroker;
import io.tocsin.testing.ScaledTimeout;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How the app serves its console, over plain HTTP: at / and under http.base-path, with the security and cache headers
 * that keep event text inert, while health, metrics and the API keep answering at their own paths too.
 */
@ScaledTimeout(seconds = 180)
class ConsoleServingIT {

    private static final String TOKEN = "serving-it-token-0123456789";
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void consoleAndApiAnswerAtTheRootAndUnderTheBasePathWithTheirHeaders() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startOnFreePort();
             TocsinApp app = Apps.start(Apps.config(broker, null, Map.of("http.base-path", "/tocsin", "http.token", TOKEN)))) {
            int port = app.httpPort();
            for (String page : List.of("/", "/index.html", "/tocsin/", "/tocsin/group.html", "/tocsin/instances.html", "/tocsin/silences.html", "/tocsin/postmortem.html")) {
                HttpResponse<String> r = get(port, page);
                assertThat(r.statusCode()).as(page).isEqualTo(200);
                assertThat(r.headers().firstValue("Content-Type")).as(page).hasValue("text/html; charset=utf-8");
                assertThat(r.headers().firstValue("Content-Security-Policy").orElseThrow()).as(page)
                        .contains("script-src 'self'").contains("frame-ancestors 'none'").doesNotContain("unsafe-inline");
                assertThat(r.headers().firstValue("X-Content-Type-Options")).as(page).hasValue("nosniff");
                assertThat(r.headers().firstValue("Cache-Control")).as(page).hasValue("no-cache");
                assertThat(r.body()).as(page).contains("<script src=\"console.js\" defer></script>").doesNotContain("<script>");
            }
            HttpResponse<String> js = get(port, "/tocsin/console.js");
            assertThat(js.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
            String etag = js.headers().firstValue("ETag").orElseThrow();
            HttpResponse<String> again = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/tocsin/console.js"))
                    .header("If-None-Match", etag).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(again.statusCode()).as("unchanged file revalidated").isEqualTo(304);

            HttpResponse<String> bare = get(port, "/tocsin");
            assertThat(bare.statusCode()).isEqualTo(301);
            assertThat(bare.headers().firstValue("Location")).hasValue("/tocsin/");
            assertThat(get(port, "/nothing-here.html").statusCode()).isEqualTo(404);
            assertThat(get(port, "/tocsin/../pom.xml").statusCode()).isEqualTo(404);

            for (String prefix : List.of("", "/tocsin")) {
                assertThat(get(port, prefix + "/health/live").statusCode()).as(prefix).isEqualTo(200);
                assertThat(get(port, prefix + "/metrics").body()).as(prefix).contains("# TYPE");
                assertThat(Apps.getJson(port, prefix + "/api/error-groups").isArray()).as(prefix).isTrue();
                assertThat(Apps.getJson(port, prefix + "/api/instances?status=all").isArray()).as(prefix).isTrue();
                assertThat(Apps.getJson(port, prefix + "/api/silences?ended=true").isArray()).as(prefix).isTrue();
            }

            // what the console's login form asks: is a token needed, and does this one allow changes
            assertThat(Apps.getJson(port, "/tocsin/api/access").path("changes").asBoolean()).isFalse();
            assertThat(Apps.getJson(port, "/tocsin/api/access").path("tokenConfigured").asBoolean()).isTrue();
            HttpResponse<String> withToken = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/tocsin/api/access"))
                    .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(withToken.body()).contains("\"changes\":true");
            HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/tocsin/api/silences"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"matchers\":{\"service\":\"x\"},\"duration\":\"1h\",\"createdBy\":\"a\",\"comment\":\"b\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).as("a change without the token, under the base path too").isEqualTo(401);
            HttpResponse<String> replay = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/post-mortem"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"from\":\"2026-01-01T00:00:00Z\",\"to\":\"2026-01-01T01:00:00Z\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(replay.statusCode()).as("a post-mortem costs the app a replay: the token is needed").isEqualTo(401);
            assertThat(Apps.getJson(port, "/api/post-mortem").path("state").asText()).isEqualTo("IDLE");
        }
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
