package io.tocsin.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.app.TopicProvisioner;
import io.tocsin.broker.EmbeddedKafkaBroker;
import io.tocsin.testing.ScaledTimeout;
import io.tocsin.testing.Waits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The agent jar's producers honour {@code kafka.*} settings (here from {@code TOCSIN_KAFKA_*}), as the streams app
 * does: the shaded jar's {@code send} reaches a SASL listener with the JAAS line users write, whose
 * {@code org.apache.kafka…} login module lives under a relocated package inside the jar.
 */
@ScaledTimeout(seconds = 180)
class AgentSaslIT {

    private static final String HEARTBEAT = """
            {"type":"heartbeat","version":1,"timestamp":"2026-11-24T08:00:03.000Z","service":"chat","instance":"chat-1","environment":"prod","intervalMs":3000,"status":"UP"}
            """;

    @Test
    void sendReachesASaslListenerWithTheRightPasswordAndIsRefusedWithAWrongOne() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startOnFreePortWithSasl("tocsin", "s3cret")) {
            TopicProvisioner.ensure(Apps.config(broker, null, Map.of()));

            assertThat(send(broker, "s3cret")).as("exit code with the right password").isZero();
            assertThat(Apps.records(broker.bootstrapServers(), "tocsin.heartbeats")).hasSize(1);
            assertThat(send(broker, "wrong")).as("exit code with a wrong password").isNotZero();
        }
    }

    private static int send(EmbeddedKafkaBroker broker, String password) throws Exception {
        Path in = Files.createTempFile("events-", ".jsonl");
        Files.writeString(in, HEARTBEAT);
        Path log = Files.createTempFile("send-", ".log");
        ProcessBuilder pb = new ProcessBuilder(List.of(Processes.java(), "-jar", Processes.AGENT_JAR.toString(), "send",
                "--bootstrap-servers", broker.saslBootstrapServers()))
                .redirectInput(in.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("TOCSIN_KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT");
        pb.environment().put("TOCSIN_KAFKA_SASL_MECHANISM", "PLAIN");
        pb.environment().put("TOCSIN_KAFKA_SASL_JAAS_CONFIG",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"tocsin\" password=\"" + password + "\";");
        Process p = pb.start();
        assertThat(Waits.exited(p, Duration.ofSeconds(90))).as("send exited; its output: " + Files.readString(log)).isTrue();
        System.out.println("send (password " + password + ") exit " + p.exitValue() + ":\n" + Files.readString(log));
        return p.exitValue();
    }
}
