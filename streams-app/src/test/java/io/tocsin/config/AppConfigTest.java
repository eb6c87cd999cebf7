package io.tocsin.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tocsin.model.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppConfigTest {

    @TempDir
    Path dir;

    @Test
    void shouldUseTheContractsDefaults() {
        AppConfig c = AppConfig.defaults();

        assertThat(c.bootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(c.topicPrefix()).isEqualTo("tocsin.");
        assertThat(c.throttle().limit()).isEqualTo(5);
        assertThat(c.throttle().window()).isEqualTo(Duration.ofHours(1));
        assertThat(c.heartbeat().timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.httpPort()).isEqualTo(8080);
        assertThat(c.slackWebhookUrl()).isEmpty();
    }

    @Test
    void shouldLetTheEnvironmentOverrideTheFileAndWarnAboutUnknownVariables() throws Exception {
        Path file = dir.resolve("tocsin.properties");
        Files.writeString(file, "error.alert.limit=3\nheartbeat.timeout=20s\nkafka.security.protocol=SSL\n");
        List<String> warnings = new ArrayList<>();

        AppConfig c = AppConfig.load(file, Map.of("TOCSIN_HEARTBEAT_TIMEOUT", "5s", "TOCSIN_SERVICE", "agent-key"), warnings::add);

        assertThat(c.throttle().limit()).isEqualTo(3);
        assertThat(c.heartbeat().timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.kafka()).containsEntry("security.protocol", "SSL");
        assertThat(warnings).singleElement().asString().contains("TOCSIN_SERVICE");
    }

    @Test
    void shouldFailFastNamingTheKey() throws Exception {
        Path file = dir.resolve("bad.properties");
        Files.writeString(file, "error.alert.limt=3\n");

        assertThatThrownBy(() -> AppConfig.load(file, Map.of(), w -> { })).isInstanceOf(ConfigException.class)
                .hasMessageContaining("error.alert.limt").hasMessageContaining("unknown key");
        assertThatThrownBy(() -> AppConfig.load(null, Map.of("TOCSIN_ERROR_ALERT_WINDOW", "forever"), w -> { }))
                .hasMessageContaining("error.alert.window");
        assertThatThrownBy(() -> AppConfig.load(null, Map.of("TOCSIN_SLACK_WEBHOOK_URL", "hooks.example/x"), w -> { }))
                .hasMessageContaining("slack.webhook.url");
        assertThatThrownBy(() -> AppConfig.load(null, Map.of("TOCSIN_SLACK_TOKEN", "xoxb-1"), w -> { }))
                .hasMessageContaining("slack.channel");
    }

    @Test
    void logFormatAndShutdownTimeoutAreReadAndValidated() {
        assertThat(AppConfig.defaults().logFormat()).isEqualTo(LogFormat.TEXT);
        assertThat(AppConfig.defaults().shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
        AppConfig c = AppConfig.load(null, Map.of("TOCSIN_LOG_FORMAT", "JSON", "TOCSIN_SHUTDOWN_TIMEOUT", "5s"), w -> { });
        assertThat(c.logFormat()).isEqualTo(LogFormat.JSON);
        assertThat(c.shutdownTimeout()).isEqualTo(Duration.ofSeconds(5));

        assertThatThrownBy(() -> AppConfig.load(null, Map.of("TOCSIN_LOG_FORMAT", "xml"), w -> { }))
                .isInstanceOf(ConfigException.class).hasMessageContaining("log.format").hasMessageContaining("xml");
        assertThatThrownBy(() -> AppConfig.load(null, Map.of("TOCSIN_SHUTDOWN_TIMEOUT", "0s"), w -> { }))
                .isInstanceOf(ConfigException.class).hasMessageContaining("shutdown.timeout");
    }

    @Test
    void basePathIsEmptyByDefaultAndMustBeAPathPrefixWithoutTrailingSlash() {
        assertThat(AppConfig.defaults().http().basePath()).isEmpty();
        assertThat(AppConfig.fromMap(Map.of("http.base-path", "/ops/tocsin")).http().basePath()).isEqualTo("/ops/tocsin");
        for (String bad : new String[] {"tocsin", "/tocsin/", "/", "/a b", "/x/../y", "//x"}) {
            assertThatThrownBy(() -> AppConfig.fromMap(Map.of("http.base-path", bad))).as(bad)
                    .isInstanceOf(ConfigException.class).hasMessageContaining("http.base-path");
        }
    }

    @Test
    void shouldMaskSecretsWhenDescribed() {
        AppConfig c = AppConfig.fromMap(Map.of("slack.webhook.url", "https://hooks.example/T000/B000/secret",
                "kafka.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required password=\"p\";"));

        assertThat(c.describe().toString()).doesNotContain("secret").doesNotContain("password=");
    }

    @Test
    void theReadmeTableListsExactlyTheDeclaredKeysAndFamilies() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("..", "README.md"));
        int header = lines.indexOf("| key | default | meaning |");
        assertThat(header).as("the README's configuration table").isNotNegative();
        Set<String> documented = new TreeSet<>();
        for (String line : lines.subList(header + 2, lines.size())) {
            if (!line.startsWith("|")) {
                break;
            }
            Matcher m = Pattern.compile("`([^`]+)`").matcher(line.split("\\|")[1]);
            while (m.find()) {
                documented.add(m.group(1).replaceAll("<[^>]+>.*$", "").replace("*", ""));
            }
        }

        assertThat(documented).containsAll(AppConfig.KEYS.names()).containsAll(AppConfig.KEYS.prefixes());
        assertThat(documented).allSatisfy(key -> assertThat(AppConfig.KEYS.isKnown(key) || AppConfig.KEYS.prefixes().contains(key))
                .as("documented key %s is declared", key).isTrue());
    }
}
