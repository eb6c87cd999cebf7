package io.tocsin.broker;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node KRaft Kafka broker (combined broker and controller) running in this JVM, for the
 * {@code broker}, {@code dev} and {@code demo} verbs and for the integration tests. It listens on a fixed host and
 * port, puts its controller on an ephemeral port, and keeps its data in a given directory (which survives restarts)
 * or in a temporary one removed on close.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final String host;
    private final int port;
    private final Path dataDir;
    private final boolean temporary;
    /** A second listener, SASL_PLAINTEXT with PLAIN, and its one user; 0 and null without. */
    private final int saslPort;
    private final String saslUser;
    private final String saslPassword;
    private KafkaRaftServer server;

    private EmbeddedKafkaBroker(String host, int port, Path dataDir, boolean temporary, int saslPort, String saslUser,
                                String saslPassword) {
        this.host = host;
        this.port = port;
        this.dataDir = dataDir;
        this.temporary = temporary;
        this.saslPort = saslPort;
        this.saslUser = saslUser;
        this.saslPassword = saslPassword;
    }

    /**
     * Starts a broker listening on {@code host:port} and returns once it answers an admin request.
     *
     * @param dataDir where to keep the log; null for a temporary directory removed on close
     */
    public static EmbeddedKafkaBroker start(String host, int port, Path dataDir) {
        return start(host, port, dataDir, 0, null, null);
    }

    /**
     * A broker on free loopback ports in a temporary directory with, besides its plaintext listener, a SASL_PLAINTEXT
     * one that accepts {@code user}/{@code password} (mechanism PLAIN): for tests of clients configured through
     * {@code kafka.*}.
     */
    public static EmbeddedKafkaBroker startOnFreePortWithSasl(String user, String password) {
        return start("127.0.0.1", freePort(), null, freePort(), user, password);
    }

    private static EmbeddedKafkaBroker start(String host, int port, Path dataDir, int saslPort, String saslUser, String saslPassword) {
        try {
            boolean temporary = dataDir == null;
            Path dir = temporary ? Files.createTempDirectory("tocsin-kafka-") : dataDir.toAbsolutePath();
            EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(host, port, dir, temporary, saslPort, saslUser, saslPassword);
            broker.startServer();
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the broker's data directory", e);
        }
    }

    /** Starts a broker on a free loopback port in a temporary directory (integration tests). */
    public static EmbeddedKafkaBroker startOnFreePort() {
        return start("127.0.0.1", freePort(), null);
    }

    public String bootstrapServers() {
        return host + ":" + port;
    }

    /** The SASL_PLAINTEXT listener of {@link #startOnFreePortWithSasl}. */
    public String saslBootstrapServers() {
        if (saslPort == 0) {
            throw new IllegalStateException("this broker has no SASL listener");
        }
        return "127.0.0.1:" + saslPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    private void startServer() throws IOException {
        Files.createDirectories(dataDir);
        int controllerPort = freePort();
        KafkaConfig config = new KafkaConfig(brokerProperties(controllerPort), false);
        formatOnce(config);
        long t0 = System.nanoTime();
        server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        awaitReady();
        LOG.info("Kafka broker ready on {} in {} ms (data in {})", bootstrapServers(),
                (System.nanoTime() - t0) / 1_000_000, dataDir);
    }

    private Properties brokerProperties(int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://" + host + ":" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", dataDir.resolve("logs").toString());
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("num.partitions", "1");
        p.put("auto.create.topics.enable", "false");
        p.put("unstable.api.versions.enable", "false");
        p.put("unstable.feature.versions.enable", "false");
        p.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        if (saslPort != 0) {
            addSaslListener(p);
        }
        return p;
    }

    private void addSaslListener(Properties p) {
        String sasl = "SASL_PLAINTEXT://127.0.0.1:" + saslPort;
        p.put("listeners", p.getProperty("listeners") + "," + sasl);
        p.put("advertised.listeners", p.getProperty("advertised.listeners") + "," + sasl);
        p.put("listener.security.protocol.map", p.getProperty("listener.security.protocol.map") + ",SASL_PLAINTEXT:SASL_PLAINTEXT");
        p.put("sasl.enabled.mechanisms", "PLAIN");
        p.put("listener.name.sasl_plaintext.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required user_" + saslUser + "=\"" + saslPassword + "\";");
    }

    /** Formats the storage only when it is new, so a restart on the same directory keeps topics and data. */
    private void formatOnce(KafkaConfig config) throws IOException {
        Path logs = dataDir.resolve("logs");
        if (Files.exists(logs.resolve("meta.properties"))) {
            return;
        }
        Files.createDirectories(logs);
        try (PrintStream quiet = new PrintStream(OutputStream.nullOutputStream())) {
            new Formatter()
                    .setPrintStream(quiet)
                    .setNodeId(1)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(logs.toString()))
                    .setMetadataLogDirectory(logs.toString())
                    .setControllerListenerName("CONTROLLER")
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .setUnstableFeatureVersionsEnabled(false)
                    .run();
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot format the broker's storage in " + logs + ": " + e.getMessage(), e);
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Map<String, Object> conf = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        try (Admin admin = Admin.create(conf)) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get().isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the embedded broker did not become ready on " + bootstrapServers(), e);
                    }
                }
                sleepQuietly(100);
            }
        }
    }

    @Override
    public void close() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
        if (temporary) {
            deleteRecursively(dataDir);
        }
    }

    /** A port that was free a moment ago on loopback. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warn("could not remove {}: {}", dir, e.getMessage());
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the broker", e);
        }
    }
}
