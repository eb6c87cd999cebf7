package io.tocsin.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class UnreachableWarningTest {

    @Test
    void shouldWarnOnceAndPostOnceToTheFallbackWebhookAfterTheConfiguredTime() throws Exception {
        List<String> posts = new CopyOnWriteArrayList<>();
        HttpServer slack = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4);
        slack.createContext("/", ex -> {
            posts.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        slack.start();
        List<String> logged = new CopyOnWriteArrayList<>();
        Logger log = Logger.getLogger("unreachable-test");
        log.setUseParentHandlers(false);
        log.addHandler(new Handler() {
            @Override
            public void publish(LogRecord r) {
                logged.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
        try {
            AgentConfig config = AgentConfig.load(Map.of("service", "orders", "bootstrap.servers", "kafka.invalid:9092",
                    "unreachable.warn-after", "30s", "fallback.slack.webhook.url", "http://127.0.0.1:" + slack.getAddress().getPort() + "/hook"),
                    new Properties(), Map.of());
            UnreachableWarning warning = new UnreachableWarning(config, log);

            warning.check(1_000, 20_000);  // 19 s: not yet
            warning.check(1_000, 31_000);  // 30 s: warn and post
            warning.check(1_000, 45_000);  // still down: nothing more

            assertThat(logged).singleElement().asString().contains("orders").contains("cannot reach Tocsin's Kafka");
            assertThat(posts).singleElement().asString().contains("service orders").contains("cannot reach Tocsin's Kafka");
        } finally {
            slack.stop(0);
        }
    }
}
