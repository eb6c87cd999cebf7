package io.tocsin.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.broker.EmbeddedKafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code streams-app.jar dev}, the first command of the README, from the shaded jar a user gets: the embedded broker
 * and the app start and answer. The other tests run the broker on the test classpath, so only this one notices a class
 * the jar lost (the broker's coordinator needs HdrHistogram at run time, which a test-scoped declaration once dropped).
 */
class DevCommandIT {

    @Test
    void theShadedJarStartsTheEmbeddedBrokerAndTheAppAndServesMetrics() throws Exception {
        Path dir = Files.createTempDirectory("tocsin-dev-it-");
        Path log = dir.resolve("dev.log");
        Map<String, String> env = Map.of("TOCSIN_BOOTSTRAP_SERVERS", "127.0.0.1:" + EmbeddedKafkaBroker.freePort(),
                "TOCSIN_STATE_DIR", dir.resolve("state").toString());

        try (AppProcess dev = AppProcess.ready("dev", env, log)) {
            assertThat(dev.get("/metrics").statusCode()).as("/metrics").isEqualTo(200);
            assertThat(dev.get("/api/instances").statusCode()).as("/api/instances").isEqualTo(200);
        }

        assertThat(Files.readString(log)).as("what dev printed").doesNotContain("NoClassDefFoundError")
                .doesNotContain("ClassNotFoundException");
    }
}
