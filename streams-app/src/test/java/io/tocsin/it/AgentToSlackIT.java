package io.tocsin.it;

import static io.tocsin.testing.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.agent.AgentConfig;
import io.tocsin.agent.TocsinAgent;
import io.tocsin.app.TocsinApp;
import io.tocsin.broker.EmbeddedKafkaBroker;
import io.tocsin.config.AppConfig;
import io.tocsin.config.KafkaClients;
import io.tocsin.model.EventCodec;
import io.tocsin.model.HeartbeatEvent;
import io.tocsin.model.Topics;
import io.tocsin.testing.ScaledTimeout;
import io.tocsin.testing.Slowness;
import io.tocsin.testing.Waits;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The walking skeleton end to end on a real broker: the agent captures exceptions in this JVM, the app groups and
 * throttles them, and the notifier posts to a real local HTTP server standing in for the Slack webhook.
 */
@ScaledTimeout(seconds = 120)
class AgentToSlackIT {

    private static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(3);
    private static final Pattern ALERT_ID = Pattern.compile("tocsin:([0-9a-f]{32})");

    private static EmbeddedKafkaBroker broker;
    private static RecordingSlack slack;
    private static TocsinApp app;
    private static AppConfig config;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedKafkaBroker.startOnFreePort();
        slack = new RecordingSlack();
        // the product's timeout stretches with the machine too: a test thread stalled past it would be a real outage
        config = Apps.config(broker, slack, Map.of("heartbeat.timeout", Waits.configDuration(HEARTBEAT_TIMEOUT)));
        app = Apps.start(config);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (slack != null) {
            slack.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void sevenIdenticalCapturedExceptionsBecomeFiveSlackPostsEachCarryingItsAlertId() throws Exception {
        AgentConfig agentConfig = AgentConfig.of("it-orders", "prod", broker.bootstrapServers())
                .withInstance("it-orders-1").withInAppPackages(List.of("io.tocsin.it"))
                .with(AgentConfig.SPOOL_DIR.name(), java.nio.file.Files.createTempDirectory("tocsin-it-spool-").toString());
        try (TocsinAgent agent = TocsinAgent.start(agentConfig)) {
            for (int i = 0; i < 7; i++) {
                agent.capture(failingLookup(1000 + i));
            }
            await("5 posts for it-orders", Duration.ofSeconds(60))
                    .until(() -> slack.postsContaining("it-orders").size() >= 5);
        }
        Waits.letTimePass(Duration.ofSeconds(2));

        List<RecordingSlack.Post> posts = slack.postsContaining("it-orders");
        assertThat(posts).hasSize(5);
        assertThat(posts).map(p -> alertId(p.body())).doesNotHaveDuplicates().allMatch(id -> id.length() == 32);
        assertThat(posts).allSatisfy(p -> assertThat(p.body()).contains("IllegalStateException").contains("order &lt;n&gt; not found"));
    }

    @Test
    void anInstanceThatStopsHeartbeatingGivesOneDownPost() throws Exception {
        Topics topics = new Topics(config.topicPrefix());
        EventCodec codec = new EventCodec();
        Instant lastBeat = null;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClients.producer(config))) {
            for (int i = 0; i < 3; i++) {
                HeartbeatEvent beat = new HeartbeatEvent("heartbeat", 1, Instant.now(), "it-chat", "it-chat-1", "prod",
                        "127.0.0.1:9", 500, HeartbeatEvent.Status.UP, Map.of("connections", 3.0));
                producer.send(new ProducerRecord<>(topics.heartbeats(), beat.key(), codec.write(beat))).get();
                lastBeat = Instant.now();
                Thread.sleep(500);
            }
        }

        await("down post", Duration.ofSeconds(30)).until(() -> !slack.postsContaining("it-chat-1").isEmpty());
        Duration latency = Duration.between(lastBeat, slack.postsContaining("it-chat-1").get(0).at());
        Waits.letTimePass(Duration.ofSeconds(3));

        assertThat(slack.postsContaining("it-chat-1")).singleElement()
                .satisfies(p -> assertThat(p.body()).contains("INSTANCE_DOWN"));
        Duration timeout = Slowness.scale(HEARTBEAT_TIMEOUT);
        System.out.println("[figure] down post " + latency.toMillis() + " ms after the last acknowledged heartbeat (timeout "
                + timeout.toMillis() + " ms)");
        // detection is timeout + one 250 ms check + the notifier's send; 30 s more (scaled) is an order of magnitude
        // above that, so this fails only when detection waits for something it should not
        assertThat(latency).isLessThan(timeout.plus(Slowness.scale(Duration.ofSeconds(30))));
    }

    private static String alertId(String body) {
        Matcher m = ALERT_ID.matcher(body);
        return m.find() ? m.group(1) : "";
    }

    private static IllegalStateException failingLookup(int orderId) {
        try {
            throw new IllegalStateException("order " + orderId + " not found");
        } catch (IllegalStateException e) {
            return e;
        }
    }
}
