package io.tocsin.it;

import static io.tocsin.testing.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.tocsin.app.TocsinApp;
import io.tocsin.broker.EmbeddedKafkaBroker;
import io.tocsin.config.AppConfig;
import io.tocsin.config.KafkaClients;
import io.tocsin.model.Alert;
import io.tocsin.model.EventCodec;
import io.tocsin.model.ExceptionEvent;
import io.tocsin.model.ExceptionInfo;
import io.tocsin.model.Frame;
import io.tocsin.model.HeartbeatEvent;
import io.tocsin.model.RequestInfo;
import io.tocsin.testing.ScaledTimeout;
import io.tocsin.testing.Slowness;
import io.tocsin.testing.Waits;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The console in headless Chromium against one app on the embedded broker, fed real events. The app has an
 * {@code http.token} and a {@code http.base-path}, so every page is read under the prefix and changes need a login.
 * Each test uses services of its own, so they share the app without seeing each other's data.
 */
@ScaledTimeout(seconds = 240)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleBrowserIT {

    private static final String TOKEN = "console-it-token-0123456789";
    private static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(3);

    private final EventCodec codec = new EventCodec();
    private Browser browser;
    private EmbeddedKafkaBroker broker;
    private AppConfig config;
    private TocsinApp app;
    private KafkaProducer<String, byte[]> producer;
    private String base;

    @BeforeAll
    void start() throws Exception {
        if (!Browser.available()) {
            return; // each test then skips with the reason (a skip here would not show in the report)
        }
        browser = Browser.start();
        broker = EmbeddedKafkaBroker.startOnFreePort();
        config = Apps.config(broker, null, Map.of("http.token", TOKEN, "http.base-path", "/tocsin",
                "heartbeat.timeout", Waits.configDuration(HEARTBEAT_TIMEOUT), "heartbeat.group.min", "100"));
        app = Apps.start(config);
        producer = new KafkaProducer<>(KafkaClients.producer(config));
        base = "http://127.0.0.1:" + app.httpPort() + "/tocsin/";
    }

    @BeforeEach
    void needsABrowser() {
        Browser.assumeAvailable();
    }

    @AfterAll
    void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {producer, app, broker, browser}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void groupsPageListsWhatWasProducedMostRecentFirstAndFilters() throws Exception {
        Instant t = Instant.now().minusSeconds(30);
        send("gp-shop", "com.acme.Cart", "add", "cart is full", null, t);
        send("gp-shop", "com.acme.Checkout", "pay", "card declined", null, t.plusSeconds(1));
        send("gp-billing", "com.acme.Invoice", "render", "no template", null, t.plusSeconds(2));

        browser.driver.get(base);
        await("three groups listed", Duration.ofSeconds(30)).until(() -> rowsFor("gp-").size() == 3);
        List<String> titles = rowsFor("gp-").stream().map(r -> r.findElement(By.cssSelector(".title a")).getText()).toList();
        assertThat(titles).hasSize(3);
        assertThat(titles.get(0)).contains("Invoice.render");
        assertThat(titles.get(2)).contains("Cart.add");
        assertThat(rowsFor("gp-")).allSatisfy(r -> {
            assertThat(r.getText()).contains("1 last day");
            assertThat(r.findElements(By.cssSelector("svg.spark rect"))).as("one bar: the hour it happened").hasSize(1);
        });

        new Select(browser.driver.findElement(By.id("service"))).selectByValue("gp-shop");
        await("only gp-shop", Duration.ofSeconds(15)).until(() -> rowsFor("gp-").size() == 2);
        browser.driver.findElement(By.id("search")).sendKeys("declined");
        await("search narrows", Duration.ofSeconds(15)).until(() -> rowsFor("gp-").size() == 1);
        assertThat(browser.driver.getCurrentUrl()).contains("service=gp-shop").contains("q=declined");

        browser.driver.get(base);
        await("listed again", Duration.ofSeconds(30)).until(() -> rowsFor("gp-").size() == 3);
        browser.screenshot("groups");
        browser.size(390, 844);
        browser.screenshot("groups-phone");
        browser.size(1280, 900);
    }

    @Test
    void groupDetailShowsAnAttemptedScriptInjectionAsTextAndRunsNothing() throws Exception {
        String attack = "<img src=x onerror=alert(1)><script>alert(2)</script> order 42 not found";
        send("web-inject", "com.acme.Orders", "find", attack, new RequestInfo("GET", "/orders/42?q=<script>alert(3)</script>"),
                Instant.now().minusSeconds(5));
        String fingerprint = awaitGroup("web-inject").path("fingerprint").asText();
        JsonNode sample = Apps.getJson(app, "/api/error-groups/" + fingerprint).path("sample");

        browser.driver.get(base + "group.html?fingerprint=" + fingerprint);
        await("sample shown", Duration.ofSeconds(30)).until(() -> !browser.texts("#sample pre.message").isEmpty());

        assertThat(browser.texts("#sample pre.message")).containsExactly(sample.path("exception").path("message").asText());
        assertThat(browser.texts("#sample pre.message").get(0)).contains("<script>alert(2)</script>").contains("onerror=alert(1)");
        assertThat(browser.texts("#sample .request").get(0)).contains("<script>alert(3)</script>");
        assertThat(browser.driver.findElements(By.cssSelector("img"))).as("no <img> from event text").isEmpty();
        assertThat(browser.driver.findElements(By.cssSelector("script")))
                .as("only the page's own scripts").allSatisfy(s -> assertThat(s.getAttribute("src")).endsWith(".js"));
        assertThatThrownBy(() -> browser.driver.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
        assertThat(browser.texts("ol.frames li.in-app")).anySatisfy(f -> assertThat(f).contains("com.acme.Orders.find"));
        assertThat(browser.texts("#title").get(0)).isEqualTo(Apps.getJson(app, "/api/error-groups/" + fingerprint).path("title").asText());
        browser.screenshot("group");
    }

    @Test
    void aSilenceCreatedInTheConsoleSilencesTheGroupsNextAlert() throws Exception {
        send("web-pay", "com.acme.Payments", "charge", "gateway timeout", null, Instant.now().minusSeconds(5));
        String fingerprint = awaitGroup("web-pay").path("fingerprint").asText();
        browser.driver.get(base + "group.html?fingerprint=" + fingerprint);
        browser.driver.executeScript("sessionStorage.clear()");
        browser.driver.navigate().refresh();
        await("detail shown", Duration.ofSeconds(30)).until(() -> !browser.texts("#sample pre.message").isEmpty());

        // Given a console without the token: read-only
        await("login form", Duration.ofSeconds(15)).until(() -> !browser.driver.findElements(By.id("token")).isEmpty());
        assertThat(browser.driver.findElement(By.id("silence-box")).isDisplayed()).isFalse();
        login("not-the-token-at-all");
        await("wrong token refused", Duration.ofSeconds(15)).until(() -> browser.texts("#status").get(0).contains("refused"));
        assertThat(browser.driver.findElement(By.id("silence-box")).isDisplayed()).isFalse();

        // When signed in and the form is sent
        login(TOKEN);
        await("silence form offered", Duration.ofSeconds(15)).until(() -> browser.driver.findElement(By.id("silence-box")).isDisplayed());
        browser.driver.findElement(By.id("silence-by")).sendKeys("console-it");
        browser.driver.findElement(By.id("silence-comment")).sendKeys("deploy in progress");
        browser.driver.findElement(By.id("silence-submit")).click();
        await("silence created", Duration.ofSeconds(30)).until(() -> browser.texts("#status").get(0).contains("silenced until"));
        await("group marked silenced", Duration.ofSeconds(30))
                .until(() -> Apps.getJson(app, "/api/error-groups/" + fingerprint).hasNonNull("silencedBy"));

        // Then the group's next occurrence alerts silenced, and the first one did not
        send("web-pay", "com.acme.Payments", "charge", "gateway timeout", null, Instant.now().plusMillis(500));
        await("second alert", Duration.ofSeconds(60)).until(() -> alertsFor(fingerprint).size() == 2);
        List<Alert> alerts = alertsFor(fingerprint);
        assertThat(alerts.get(0).silenced()).isFalse();
        assertThat(alerts.get(1).silenced()).isTrue();
        assertThat(alerts.get(1).silencedBy()).startsWith("silence:");

        // and the group page lists both alerts, newest first, with what became of each
        browser.driver.get(base + "group.html?fingerprint=" + fingerprint);
        await("both alerts listed with their delivery", Duration.ofSeconds(30)).until(() ->
                browser.attributes("#alerts tbody tr", "data-state").equals(List.of("SILENCED", "DELIVERED")));
        assertThat(browser.texts("#alerts tbody tr").get(0)).contains("ERROR 2/5").contains(alerts.get(1).silencedBy());
        assertThat(browser.texts("#alerts tbody tr").get(1)).contains("ERROR 1/5").contains("delivered");
        browser.size(1280, 1250); // the alerts are below the silence form
        browser.screenshot("group-alerts");
        browser.size(1280, 900);

        browser.driver.get(base + "silences.html");
        await("listed as active", Duration.ofSeconds(15)).until(() -> browser.texts("#active [data-silence]").stream()
                .anyMatch(r -> r.contains("key=" + fingerprint) && r.contains("deploy in progress")));
        browser.driver.findElement(By.id("m-service")).sendKeys("web-pay");
        await("preview of what it would match", Duration.ofSeconds(15))
                .until(() -> browser.texts("#preview").get(0).contains("1 error group(s)"));
        browser.screenshot("silences");

        // Expiring it early ends it at once and keeps it listed as ended
        browser.driver.findElement(By.cssSelector("#active [data-silence] button.expire")).click();
        await("listed as ended", Duration.ofSeconds(30)).until(() -> browser.texts("#ended [data-silence]").stream()
                .anyMatch(r -> r.contains("key=" + fingerprint)));
        assertThat(Apps.getJson(app, "/api/silences")).as("no longer active").isEmpty();
    }

    @Test
    void postMortemPageRunsAReplayOfTheRangeAndShowsItsReport() throws Exception {
        Instant t = Instant.now().minusSeconds(120);
        for (int i = 0; i < 7; i++) {
            // seven of one bug: five alert, two are suppressed by the cap
            send("pm-orders", "com.acme.Ledger", "post", "ledger locked", null, t.plusSeconds(i));
        }
        String fingerprint = awaitGroup("pm-orders").path("fingerprint").asText();
        await("all counted", Duration.ofSeconds(30))
                .until(() -> Apps.getJson(app, "/api/error-groups/" + fingerprint).path("totalCount").asLong() == 7);

        browser.driver.get(base + "postmortem.html");
        await("page ready", Duration.ofSeconds(15)).until(() -> !browser.driver.findElements(By.id("login")).isEmpty());
        if (!browser.driver.findElements(By.id("token")).isEmpty()) {
            login(TOKEN);
        }
        await("run offered", Duration.ofSeconds(15)).until(() -> browser.driver.findElement(By.id("run")).isDisplayed());
        browser.driver.findElement(By.id("services")).sendKeys("pm-orders");
        browser.driver.findElement(By.id("run")).click();

        await("report drawn", Duration.ofSeconds(120)).until(() -> !browser.texts("#alert-count").isEmpty());
        assertThat(browser.texts("#alert-count").get(0)).startsWith("5 ");
        assertThat(browser.texts("#report tr[data-fingerprint='" + fingerprint + "']")).singleElement()
                .satisfies(row -> assertThat(row).contains("ledger locked").contains("7").contains("5 / 2"));
        assertThat(browser.texts("#status").get(0)).contains("pm-orders");
        browser.screenshot("postmortem");
    }

    @Test
    void instancesPageShowsAKilledInstanceDownWithinTheTimeoutAndTwoSeconds() throws Exception {
        Set<String> beating = ConcurrentHashMap.newKeySet();
        beating.addAll(List.of("chat-1", "chat-2"));
        Map<String, Instant> lastAcked = new ConcurrentHashMap<>();
        ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor();
        try {
            beats.scheduleAtFixedRate(() -> {
                for (String instance : beating) {
                    HeartbeatEvent beat = new HeartbeatEvent("heartbeat", 1, Instant.now(), "web-chat", instance, "prod",
                            "10.0.0." + instance.charAt(5) + ":8080", 1000, HeartbeatEvent.Status.UP,
                            Map.of("connections", instance.equals("chat-1") ? 12.0 : 40.0));
                    try {
                        producer.send(new ProducerRecord<>(config.topicPrefix() + "heartbeats", beat.key(), codec.write(beat))).get();
                        lastAcked.put(instance, Instant.now());
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            }, 0, 300, TimeUnit.MILLISECONDS);

            browser.driver.get(base + "instances.html?service=web-chat");
            await("both up", Duration.ofSeconds(30)).until(() -> statusOf("chat-1").equals("UP") && statusOf("chat-2").equals("UP"));
            // the monitor gives verdicts once it has caught up and a timeout has passed since
            Waits.letTimePass(HEARTBEAT_TIMEOUT.multipliedBy(2));
            assertThat(statusOf("chat-2")).isEqualTo("UP");

            beating.remove("chat-2");
            Waits.letTimePass(Duration.ofMillis(400)); // a beat in flight when it was removed is acked by now
            Instant killed = lastAcked.get("chat-2");
            await("chat-2 down", Duration.ofSeconds(30)).until(() -> statusOf("chat-2").equals("DOWN"));
            Duration shownAfter = Duration.between(killed, Instant.now());
            Duration bound = Slowness.scale(HEARTBEAT_TIMEOUT.plusSeconds(2));
            System.out.println("console showed the killed instance down " + shownAfter.toMillis() + " ms after its last heartbeat (bound "
                    + bound.toMillis() + " ms)");
            assertThat(shownAfter).isLessThanOrEqualTo(bound);
            assertThat(statusOf("chat-1")).isEqualTo("UP");
            assertThat(browser.texts("tr[data-instance='chat-1'] .badge.best")).containsExactly("best");
            await("the down alert among the recent ones", Duration.ofSeconds(30)).until(() ->
                    browser.texts("#recent tbody tr[data-state='DELIVERED']").stream().anyMatch(r -> r.contains("INSTANCE_DOWN") && r.contains("web-chat/chat-2")));
            browser.screenshot("instances");
        } finally {
            beats.shutdownNow();
        }
    }

    /** The row's status ("" while it is missing), read again if the page redrew it meanwhile (it does on every change). */
    private String statusOf(String instance) {
        for (int attempt = 0; ; attempt++) {
            try {
                List<WebElement> rows = browser.driver.findElements(By.cssSelector("tr[data-instance='" + instance + "']"));
                return rows.isEmpty() ? "" : rows.get(0).getAttribute("data-status");
            } catch (StaleElementReferenceException e) {
                if (attempt == 5) {
                    throw e;
                }
            }
        }
    }

    private void login(String token) {
        WebElement input = browser.driver.findElement(By.id("token"));
        input.clear();
        input.sendKeys(token);
        browser.driver.findElement(By.cssSelector("#login-form button")).click();
    }

    /** The group rows of services starting so; empty while the table is being redrawn. */
    private List<WebElement> rowsFor(String servicePrefix) {
        try {
            return browser.driver.findElements(By.cssSelector("#groups tbody tr")).stream()
                    .filter(r -> r.getText().contains(servicePrefix)).toList();
        } catch (StaleElementReferenceException e) {
            return List.of();
        }
    }

    private JsonNode awaitGroup(String service) {
        await(service + " grouped", Duration.ofSeconds(30)).until(() -> Apps.getJson(app, "/api/error-groups?service=" + service).size() == 1);
        try {
            return Apps.getJson(app, "/api/error-groups?service=" + service).get(0);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private List<Alert> alertsFor(String fingerprint) {
        return Apps.alerts(broker.bootstrapServers(), config.topicPrefix() + "alerts").stream()
                .filter(a -> a.key().equals(fingerprint)).sorted(java.util.Comparator.comparing(Alert::occurrence)).toList();
    }

    private void send(String service, String frameClass, String method, String message, RequestInfo request, Instant at) throws Exception {
        ExceptionEvent e = new ExceptionEvent("exception", 1, UUID.randomUUID().toString(), at, service, service + "-1", "prod",
                "RUNTIME", new ExceptionInfo("java.lang.IllegalStateException", message,
                List.of(new Frame(frameClass, method, frameClass.substring(frameClass.lastIndexOf('.') + 1) + ".java", 42, true),
                        new Frame("java.base.Thread", "run", "Thread.java", 1583, false)), null),
                request, Map.of("region", "eu"), null, 1);
        producer.send(new ProducerRecord<>(config.topicPrefix() + "errors", e.key(), codec.write(e))).get();
    }
}
