package io.tocsin.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class AgentMainTest {

    @Test
    void shouldParseAgentArguments() {
        assertThat(AgentMain.parseArgs("service=orders, environment=prod,bootstrap.servers=k:9092"))
                .containsExactly(Map.entry("service", "orders"), Map.entry("environment", "prod"), Map.entry("bootstrap.servers", "k:9092"));
        assertThatThrownBy(() -> AgentMain.parseArgs("service")).hasMessageContaining("key=value");
    }

    @Test
    void shouldPreferArgumentsOverSystemPropertiesOverEnvironment() {
        Properties sys = new Properties();
        sys.setProperty("tocsin.environment", "staging");
        sys.setProperty("tocsin.instance", "from-sysprop");
        AgentConfig c = AgentConfig.load(Map.of("service", "orders", "instance", "from-args"), sys,
                Map.of("TOCSIN_ENVIRONMENT", "prod", "TOCSIN_BOOTSTRAP_SERVERS", "env:9092"));

        assertThat(c.instance()).isEqualTo("from-args");
        assertThat(c.environment()).isEqualTo("staging");
        assertThat(c.bootstrapServers()).isEqualTo("env:9092");
    }

    @Test
    void shouldChainThePreviousUncaughtHandler() throws Exception {
        Thread.UncaughtExceptionHandler original = Thread.getDefaultUncaughtExceptionHandler();
        AtomicReference<Throwable> seenByHost = new AtomicReference<>();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> seenByHost.set(e));
        TocsinAgent agent = TocsinAgent.start(AgentConfig.of("orders", "test", "127.0.0.1:1")
                .with(AgentConfig.SPOOL_DIR.name(), java.nio.file.Files.createTempDirectory("tocsin-main-test-").toString()));
        try {
            AgentMain.installUncaughtHandler(agent);
            Thread dying = new Thread(() -> {
                throw new IllegalStateException("uncaught");
            });
            dying.start();
            dying.join();

            assertThat(seenByHost.get()).hasMessage("uncaught");
            assertThat(agent.counters().getCaptured()).isEqualTo(1);
        } finally {
            agent.close();
            Thread.setDefaultUncaughtExceptionHandler(original);
        }
    }

    @Test
    void theReadmeNamesEveryAgentKey() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        int from = readme.indexOf("Agent keys (");
        String paragraph = readme.substring(from, readme.indexOf("\n\n", from));

        assertThat(AgentConfig.KEYS.names()).allSatisfy(key -> assertThat(paragraph).contains("`" + key + "`"));
    }
}
