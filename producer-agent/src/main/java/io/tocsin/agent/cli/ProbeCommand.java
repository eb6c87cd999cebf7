package io.tocsin.agent.cli;

import io.tocsin.agent.probe.KafkaEventSink;
import io.tocsin.agent.probe.ProbeSettings;
import io.tocsin.agent.probe.UrlProber;
import io.tocsin.model.Durations;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/** Polls health URLs and turns them into heartbeats (healthy) or PROBE exception events (why not). Runs until stopped. */
@Command(name = "probe", mixinStandardHelpOptions = true,
        description = "Poll health URLs; a healthy answer is a heartbeat for instance probe:<url>, a failure an event saying why.")
final class ProbeCommand implements Callable<Integer> {

    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return Durations.parse(value);
        }
    }

    @Option(names = "--url", paramLabel = "URL", description = "a health URL; repeat for more")
    List<URI> urls = new ArrayList<>();

    @Option(names = "--url-file", paramLabel = "FILE", description = "more URLs, one per line (# comments allowed)")
    Path urlFile;

    @Option(names = "--service", required = true, description = "service the URLs belong to")
    String service;

    @Option(names = "--environment", defaultValue = "${env:TOCSIN_ENVIRONMENT:-prod}", description = "environment (default: ${DEFAULT-VALUE})")
    String environment;

    @Option(names = "--interval", defaultValue = "60s", converter = DurationConverter.class, description = "time between rounds (default: ${DEFAULT-VALUE})")
    Duration interval;

    @Option(names = "--timeout", defaultValue = "5s", converter = DurationConverter.class, description = "per attempt (default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Option(names = "--attempts", defaultValue = "3", description = "attempts per round before it counts as failed (default: ${DEFAULT-VALUE})")
    int attempts;

    @Option(names = "--retry-delay", defaultValue = "1s", converter = DurationConverter.class, description = "between attempts (default: ${DEFAULT-VALUE})")
    Duration retryDelay;

    @Option(names = "--expect-body", paramLabel = "TEXT", description = "a healthy answer must contain this text")
    String expectBody;

    @Option(names = "--bootstrap-servers", paramLabel = "H:P", defaultValue = "${env:TOCSIN_BOOTSTRAP_SERVERS:-127.0.0.1:9092}",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE})")
    String bootstrapServers;

    @Option(names = "--topic-prefix", defaultValue = "${env:TOCSIN_TOPIC_PREFIX:-tocsin.}", description = "topic prefix (default: ${DEFAULT-VALUE})")
    String topicPrefix;

    @Override
    public Integer call() throws Exception {
        List<URI> all = new ArrayList<>(urls);
        if (urlFile != null) {
            for (String line : Files.readAllLines(urlFile)) {
                if (!line.isBlank() && !line.strip().startsWith("#")) {
                    all.add(URI.create(line.strip()));
                }
            }
        }
        ProbeSettings settings = new ProbeSettings(all, service, environment, interval, timeout, attempts, retryDelay, expectBody);
        CountDownLatch stopped = new CountDownLatch(1);
        KafkaEventSink sink = new KafkaEventSink(bootstrapServers, topicPrefix);
        UrlProber prober = new UrlProber(settings, sink).start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            prober.close();
            sink.close();
            stopped.countDown();
        }, "tocsin-probe-shutdown"));
        System.err.println("probing " + all.size() + " URL(s) every " + Durations.format(interval) + " for service " + service);
        stopped.await();
        return 0;
    }
}
