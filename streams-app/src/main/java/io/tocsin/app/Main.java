package io.tocsin.app;

import io.tocsin.broker.EmbeddedKafkaBroker;
import io.tocsin.config.AppConfig;
import io.tocsin.delivery.AlertSink;
import io.tocsin.delivery.AlertSinks;
import io.tocsin.delivery.DeliveryResult;
import io.tocsin.demo.DemoTraffic;
import io.tocsin.model.Alert;
import io.tocsin.model.ConfigException;
import io.tocsin.model.Durations;
import io.tocsin.replay.ReplayCommand;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** The streams-app command line: {@code broker}, {@code dev}, {@code run}, {@code demo}, {@code check-config}, {@code test-alert}, {@code replay}. */
@Command(name = "streams-app.jar", mixinStandardHelpOptions = true, version = "Tocsin 0.1.0",
        description = "Tocsin: error and heartbeat alerting on Kafka Streams.",
        subcommands = {Main.Broker.class, Main.Dev.class, Main.Run.class, Main.Demo.class, Main.CheckConfig.class,
                Main.TestAlert.class, ReplayCommand.class})
public final class Main {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);
    static final int CONFIG_ERROR = 2;

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigException) {
                cmd.getErr().println("tocsin: bad configuration: " + e.getMessage());
                return CONFIG_ERROR;
            }
            cmd.getErr().println("tocsin: " + e.getMessage());
            LOG.debug("failure", e);
            return 1;
        });
        System.exit(cli.execute(args));
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Options every verb shares. */
    static class ConfigOption {
        @Option(names = "--config", paramLabel = "FILE", description = "properties file; TOCSIN_* environment variables override it")
        Path config;

        AppConfig load() {
            return load(Map.of());
        }

        /**
         * dev and demo listen on loopback only unless told otherwise: they run on a developer's machine. Their state
         * belongs with their broker's data, unless told otherwise: state kept from an earlier broker (or an earlier
         * version's topology) means nothing to this one and can stop Kafka Streams from starting.
         */
        AppConfig loadLocal(Path stateDir) {
            return load(Map.of(AppConfig.HTTP_BIND.name(), "127.0.0.1", AppConfig.STATE_DIR.name(), stateDir.toString()));
        }

        /** Loads, then switches the log format before logging the warnings of the load, so they come in it too. */
        private AppConfig load(Map<String, String> verbDefaults) {
            List<String> warnings = new ArrayList<>();
            AppConfig loaded = AppConfig.load(config, System.getenv(), warnings::add, verbDefaults);
            ConsoleLogging.use(loaded.logFormat());
            warnings.forEach(LOG::warn);
            return loaded;
        }
    }

    /** Verbs that stay up until the process is stopped; resources are closed in reverse order of start. */
    abstract static class Service implements Callable<Integer> {
        /** How much longer than shutdown.timeout a stop may run before the process is halted: a last resort. */
        private static final Duration HALT_MARGIN = Duration.ofSeconds(5);
        private final Deque<AutoCloseable> resources = new ArrayDeque<>();
        private final CountDownLatch stopped = new CountDownLatch(1);
        private volatile Duration shutdownTimeout = AppConfig.SHUTDOWN_TIMEOUT_DEFAULT;

        <T extends AutoCloseable> T keep(T resource) {
            resources.push(resource);
            return resource;
        }

        int serveUntilStopped() throws InterruptedException {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stopWithin(shutdownTimeout);
                stopped.countDown();
            }, "tocsin-shutdown"));
            stopped.await();
            return 0;
        }

        /**
         * Closes everything, each part bounded by what is left of {@code timeout} (TocsinApp divides it among its
         * parts); should a part still hang, the process is halted a little after the bound rather than never exiting.
         */
        private void stopWithin(Duration timeout) {
            long start = System.nanoTime();
            LOG.info("stopping (at most {})", Durations.format(timeout));
            Thread halt = new Thread(() -> {
                try {
                    Thread.sleep(timeout.plus(HALT_MARGIN).toMillis());
                } catch (InterruptedException e) {
                    return;
                }
                LOG.error("did not stop within {} (shutdown.timeout); halting", Durations.format(timeout));
                Runtime.getRuntime().halt(1);
            }, "tocsin-shutdown-bound");
            halt.setDaemon(true);
            halt.start();
            closeAll();
            halt.interrupt();
            LOG.info("stopped in {} ms", Duration.ofNanos(System.nanoTime() - start).toMillis());
        }

        void closeAll() {
            while (!resources.isEmpty()) {
                try {
                    resources.pop().close();
                } catch (Exception e) {
                    LOG.warn("error while stopping: {}", e.getMessage());
                }
            }
        }

        @Override
        public Integer call() throws Exception {
            try {
                start();
            } catch (Exception | Error e) {
                closeAll();
                throw e;
            }
            return serveUntilStopped();
        }

        abstract void start() throws Exception;

        EmbeddedKafkaBroker startBroker(AppConfig config, Path dataDir) {
            shutdownTimeout = config.shutdownTimeout();
            EmbeddedKafkaBroker broker = keep(EmbeddedKafkaBroker.start(config.bootstrapHost(), config.bootstrapPort(), dataDir));
            System.out.println("Kafka broker (embedded, single-node KRaft) listening on " + broker.bootstrapServers()
                    + (dataDir == null ? " (temporary data)" : " (data in " + broker.dataDir() + ")"));
            return broker;
        }

        TocsinApp startApp(AppConfig config) {
            shutdownTimeout = config.shutdownTimeout();
            TocsinApp app = keep(TocsinApp.start(config, System.out));
            System.out.println("Tocsin running: HTTP on port " + app.httpPort() + ", alerts to " + app.alertDestination());
            System.out.println("Console: " + consoleUrl(config, app.httpPort()));
            return app;
        }
    }

    /** Where a browser on this machine finds the console (an any-address bind is reached through loopback). */
    static String consoleUrl(AppConfig config, int port) {
        String bind = config.http().bind();
        String host = bind.equals("0.0.0.0") || bind.equals("::") ? "localhost" : bind.contains(":") ? "[" + bind + "]" : bind;
        return "http://" + host + ":" + port + config.http().basePath() + "/";
    }

    /** Verbs that start the embedded broker: they share --config and --data-dir. */
    abstract static class WithBroker extends Service {
        @CommandLine.Mixin ConfigOption options = new ConfigOption();
        @Option(names = "--data-dir", paramLabel = "DIR", description = "keep broker data here across restarts (default: a temporary directory removed at exit)")
        Path dataDir;

        AppConfig startBroker() {
            AppConfig config = options.loadLocal(dataDir == null ? temporaryState() : dataDir.resolve("streams-state"));
            startBroker(config, dataDir);
            return config;
        }

        /** A state directory for a broker with temporary data: removed at exit, after everything else has stopped. */
        private Path temporaryState() {
            try {
                Path dir = Files.createTempDirectory("tocsin-state-");
                keep(() -> deleteTree(dir));
                return dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Command(name = "broker", mixinStandardHelpOptions = true, description = "Run only the embedded single-node KRaft broker, on bootstrap.servers.")
    static final class Broker extends WithBroker {
        @Override
        void start() {
            startBroker();
        }
    }

    @Command(name = "dev", mixinStandardHelpOptions = true, description = "Embedded broker and the app in one process.")
    static final class Dev extends WithBroker {
        @Override
        void start() {
            startApp(startBroker());
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true, description = "Run the app against the Kafka cluster of bootstrap.servers.")
    static final class Run extends Service {
        @CommandLine.Mixin ConfigOption options = new ConfigOption();

        @Override
        void start() {
            startApp(options.load());
        }
    }

    @Command(name = "demo", mixinStandardHelpOptions = true, description = "dev plus built-in sample services: error and down alerts within 60 s.")
    static final class Demo extends WithBroker {
        @Override
        void start() {
            AppConfig config = startBroker();
            startApp(config);
            keep(DemoTraffic.start(config, System.out));
        }
    }

    @Command(name = "check-config", mixinStandardHelpOptions = true, description = "Validate the configuration and print the effective values (secrets masked).")
    static final class CheckConfig implements Callable<Integer> {
        @CommandLine.Mixin ConfigOption options = new ConfigOption();

        @Override
        public Integer call() {
            AppConfig config = options.load();
            PrintStream out = System.out;
            config.describe().forEach((k, v) -> out.println(k + "=" + v));
            return 0;
        }
    }

    @Command(name = "test-alert", mixinStandardHelpOptions = true, description = "Send one clearly marked test message through the configured Slack destination.")
    static final class TestAlert implements Callable<Integer> {
        @CommandLine.Mixin ConfigOption options = new ConfigOption();
        @Option(names = "--route", paramLabel = "R", defaultValue = Alert.DEFAULT_ROUTE, description = "route to test (default: ${DEFAULT-VALUE})")
        String route;

        @Override
        public Integer call() {
            AppConfig config = options.load();
            Map<String, AlertSink> sinks = AlertSinks.forRoutes(config, System.out);
            AlertSink sink = sinks.get(route);
            if (sink == null) {
                throw new ConfigException("--route", "unknown route '" + route + "' (configured routes: " + String.join(", ", sinks.keySet()) + ")");
            }
            Instant now = Instant.now();
            Alert alert = Alert.notice(Alert.idOf("test-alert", route, now), new Alert.Subject("test-alert", "tocsin", "test", null),
                    now, "TEST: Tocsin can post to route " + route,
                    "This is a test message sent by `streams-app.jar test-alert`. No action needed.").routed(route, Optional.empty());
            DeliveryResult result = sink.deliver(List.of(alert));
            System.out.println("test alert to " + sink.describe() + ": " + result.outcome() + " (" + result.reason() + ")");
            return result.outcome() == DeliveryResult.Outcome.DELIVERED ? 0 : 1;
        }
    }
}
