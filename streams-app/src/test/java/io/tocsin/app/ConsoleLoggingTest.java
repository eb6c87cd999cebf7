package io.tocsin.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tocsin.config.LogFormat;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code log.format=json}: every line the app's logback writes on stderr is one JSON object, key-value pairs included. */
class ConsoleLoggingTest {

    private final PrintStream realErr = System.err;

    @AfterEach
    void restore() throws Exception {
        System.setErr(realErr);
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        new ContextInitializer(context).autoConfig(); // logback.xml again, for the tests after this one
    }

    @Test
    void jsonMakesEveryStderrLineOneJsonObjectWithTheKeyValuePairs() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        Logger log = LoggerFactory.getLogger("io.tocsin.delivery.AlertNotifier");

        ConsoleLogging.use(LogFormat.JSON);
        log.atInfo().addKeyValue("alert.id", "a1").addKeyValue("alert.kind", "ERROR").log("alert {} delivered", "a1");
        log.warn("a \"quoted\"\nmultiline message", new IllegalStateException("boom"));
        System.err.flush();

        List<JsonNode> lines = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : err.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                lines.add(json.readTree(line));
            }
        }
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).path("level").asText()).isEqualTo("INFO");
        assertThat(lines.get(0).path("formattedMessage").asText()).isEqualTo("alert a1 delivered");
        assertThat(lines.get(0).path("kvpList").toString()).contains("\"alert.id\":\"a1\"").contains("\"alert.kind\":\"ERROR\"");
        assertThat(lines.get(1).path("formattedMessage").asText()).isEqualTo("a \"quoted\"\nmultiline message");
        assertThat(lines.get(1).path("throwable").path("message").asText()).isEqualTo("boom");
    }

    @Test
    void textLeavesTheConfiguredPatternAlone() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));

        ConsoleLogging.use(LogFormat.TEXT);
        LoggerFactory.getLogger("io.tocsin.app.Main").info("hello");

        assertThat(err.toString(StandardCharsets.UTF_8)).contains(" INFO  io.tocsin.app.Main - hello").doesNotContain("{");
    }
}
