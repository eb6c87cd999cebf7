package io.tocsin.it;

import static io.tocsin.testing.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.app.TocsinApp;
import io.tocsin.broker.EmbeddedKafkaBroker;
import io.tocsin.config.AppConfig;
import io.tocsin.config.KafkaClients;
import io.tocsin.model.EventCodec;
import io.tocsin.model.ExceptionEvent;
import io.tocsin.model.ExceptionInfo;
import io.tocsin.model.Frame;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Measures, once, what the README reports about the console: the bytes a first load of the groups page transfers and
 * the time to its first drawn list with 10,000 groups in the app. Numbers go to {@code target/console-weight.txt};
 * they are reported, not asserted. Not part of the default suite (10,000 groups take minutes on a busy machine): run
 * it with {@code -Dtocsin.measure.console=true -Dit.test=ConsoleWeightIT}.
 */
@EnabledIfSystemProperty(named = "tocsin.measure.console", matches = "true")
class ConsoleWeightIT {

    private static final int GROUPS = 10_000;

    @Test
    void firstLoadOfTheGroupsPageWithTenThousandGroupsIsMeasured() throws Exception {
        Browser.assumeAvailable();
        EventCodec codec = new EventCodec();
        try (Browser browser = Browser.start(); EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startOnFreePort()) {
            AppConfig config = Apps.config(broker, null, Map.of("error.groups.publish-interval", "10s"));
            try (TocsinApp app = Apps.start(config); KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClients.producer(config))) {
                Instant t = Instant.now().minusSeconds(600);
                for (int i = 0; i < GROUPS; i++) {
                    String service = "svc-" + (i % 10);
                    ExceptionEvent e = new ExceptionEvent("exception", 1, UUID.randomUUID().toString(), t.plusMillis(i), service,
                            service + "-1", "prod", "RUNTIME", new ExceptionInfo("java.lang.IllegalStateException", "failure " + i,
                            List.of(new Frame("com.acme.Handler" + i, "handle", "Handler" + i + ".java", 10, true)), null),
                            null, Map.of(), null, 1);
                    producer.send(new ProducerRecord<>(config.topicPrefix() + "errors", e.key(), codec.write(e)));
                }
                producer.flush();
                await("10,000 groups", Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(2))
                        .until(() -> Apps.getJson(app, "/api/error-groups?limit=10000").size() == GROUPS);

                String base = "http://127.0.0.1:" + app.httpPort() + "/";
                String report = "console, groups page, first load in a fresh headless Chromium, " + GROUPS + " groups in the app:\n"
                        + measure(browser, base, "default view (the most recent 1,000)") + "\n"
                        + measure(browser, base + "?limit=10000", "all 10,000 (?limit=10000)") + "\n";
                Files.writeString(Path.of("target", "console-weight.txt"), report);
                System.out.println(report);
            }
        }
    }

    private static String measure(Browser browser, String url, String what) {
        browser.driver.manage().deleteAllCookies();
        browser.driver.get("about:blank");
        browser.driver.executeCdpCommand("Network.clearBrowserCache", Map.of());
        browser.driver.get(url);
        await("first render of " + what, Duration.ofSeconds(120))
                .until(() -> ((Number) browser.driver.executeScript(
                        "return performance.getEntriesByName('tocsin-groups-rendered').length")).intValue() == 1);
        Number rendered = (Number) browser.driver.executeScript("return performance.getEntriesByName('tocsin-groups-rendered')[0].startTime");
        Number page = (Number) browser.driver.executeScript("return performance.getEntriesByType('navigation')[0].transferSize");
        Number statics = (Number) browser.driver.executeScript("return performance.getEntriesByType('resource')"
                + ".filter(r => r.initiatorType !== 'fetch').reduce((s, r) => s + r.transferSize, 0)");
        Number api = (Number) browser.driver.executeScript("return performance.getEntriesByType('resource')"
                + ".filter(r => r.initiatorType === 'fetch' && r.name.includes('error-groups')).slice(0, 1).reduce((s, r) => s + r.transferSize, 0)");
        Number rows = (Number) browser.driver.executeScript("return document.querySelectorAll('#groups tbody tr').length");
        assertThat(rows.intValue()).as("rows drawn").isPositive();
        return String.format("  %s: %d rows; transferred %,d bytes of page, CSS and scripts (index.html %,d) + %,d bytes of "
                        + "/api/error-groups = %,d bytes; first list drawn %.0f ms after navigation start",
                what, rows.intValue(), page.longValue() + statics.longValue(), page.longValue(), api.longValue(),
                page.longValue() + statics.longValue() + api.longValue(), rendered.doubleValue());
    }
}
