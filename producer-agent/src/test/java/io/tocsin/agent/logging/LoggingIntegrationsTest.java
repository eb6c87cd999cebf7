package io.tocsin.agent.logging;

import static io.tocsin.testing.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import io.tocsin.agent.AgentConfig;
import io.tocsin.agent.TocsinAgent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.logging.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilder;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilderFactory;
import org.apache.logging.log4j.core.config.builder.impl.BuiltConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each logging integration hands ERROR records that carry a throwable, and only those, to the installed agent. */
class LoggingIntegrationsTest {

    @TempDir
    Path spool;
    private TocsinAgent agent;

    @BeforeEach
    void start() {
        agent = TocsinAgent.start(AgentConfig.load(Map.of("service", "logs", "bootstrap.servers", "127.0.0.1:1",
                "spool.dir", spool.toString()), new Properties(), Map.of())).install();
    }

    @AfterEach
    void stop() {
        agent.close();
    }

    @Test
    void julHandlerCapturesSevereRecordsWithAThrowable() {
        java.util.logging.Logger log = java.util.logging.Logger.getLogger("jul-test");
        log.setUseParentHandlers(false);
        log.addHandler(new TocsinJulHandler());

        log.log(Level.SEVERE, "failed", new IllegalStateException("jul"));
        log.log(Level.WARNING, "not an error", new IllegalStateException("warning"));
        log.severe("no throwable");

        assertThat(agent.counters().getCaptured()).isEqualTo(1);
    }

    @Test
    void logbackAppenderCapturesErrorEventsWithAThrowable() {
        LoggerContext context = new LoggerContext();
        TocsinLogbackAppender appender = new TocsinLogbackAppender();
        appender.setContext(context);
        appender.start();
        ch.qos.logback.classic.Logger log = context.getLogger("logback-test");
        log.addAppender(appender);

        log.error("failed", new IllegalStateException("logback"));
        log.warn("not an error", new IllegalStateException("warning"));
        log.error("no throwable");

        assertThat(agent.counters().getCaptured()).isEqualTo(1);
    }

    @Test
    void log4j2AppenderCapturesErrorEventsWithAThrowable() {
        ConfigurationBuilder<BuiltConfiguration> b = ConfigurationBuilderFactory.newConfigurationBuilder();
        b.setPackages("io.tocsin.agent.logging");
        b.add(b.newAppender("tocsin", "Tocsin"));
        b.add(b.newRootLogger(org.apache.logging.log4j.Level.WARN).add(b.newAppenderRef("tocsin")));
        try (var ctx = Configurator.initialize(b.build())) {
            org.apache.logging.log4j.Logger log = ctx.getLogger("log4j2-test");

            log.error("failed", new IllegalStateException("log4j2"));
            log.warn("not an error", new IllegalStateException("warning"));

            await("one error captured", Duration.ofSeconds(5)).until(() -> agent.counters().getCaptured() == 1);
        }
    }
}
