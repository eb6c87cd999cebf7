package io.tocsin.replay;

import io.tocsin.config.AppConfig;
import io.tocsin.errors.Fingerprinter;
import io.tocsin.model.Durations;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code streams-app.jar replay}: a post-mortem or a backtest of a range of the input topics. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Replay a time range of the input topics through the alerting rules: nothing written, nothing posted.")
public final class ReplayCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(ReplayCommand.class);

    @Option(names = "--from", required = true, paramLabel = "INSTANT", description = "start of the range, e.g. 2026-11-24T02:00:00Z")
    Instant from;

    @Option(names = "--to", required = true, paramLabel = "INSTANT", description = "end of the range (exclusive)")
    Instant to;

    @Option(names = "--config", paramLabel = "FILE", description = "properties file; TOCSIN_* environment variables override it")
    Path config;

    @Option(names = "--service", paramLabel = "S", description = "only this service's events; repeat for more")
    List<String> services = new ArrayList<>();

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "replay with another rule, e.g. error.alert.limit=3; repeat for more")
    Map<String, String> set = new LinkedHashMap<>();

    @Option(names = "--look-back", paramLabel = "DURATION",
            description = "read this far before --from, so windows and outages that began earlier are known (default: error window + grace)")
    String lookBack;

    @Option(names = "--compare-fingerprints", paramLabel = "VERSION",
            description = "also group the range with these fingerprint rules (e.g. v1) and report what they merge and split")
    String compareFingerprints;

    @Option(names = "--out", paramLabel = "FILE", description = "write the report here: .json, .md or .html (default: a summary on stdout)")
    Path out;

    /** Set by Ctrl-C: the replay stops at the next record and cleans up. */
    private volatile boolean cancelled;

    @Override
    public Integer call() throws Exception {
        AppConfig inForce = AppConfig.load(config, System.getenv(), LOG::warn);
        AppConfig rules = AppConfig.load(config, System.getenv(), LOG::warn, Map.of(), set);
        Duration back = lookBack == null ? rules.throttle().window().plus(rules.throttle().grace()) : Durations.parse(lookBack);
        ReportWriter.Format format = out == null ? ReportWriter.Format.TEXT : ReportWriter.Format.of(out.getFileName().toString());
        Replay.Options options = new Replay.Options(from, to, back, Set.copyOf(services),
                Optional.ofNullable(compareFingerprints).map(Fingerprinter.Rules::named));

        CountDownLatch done = new CountDownLatch(1);
        Thread main = Thread.currentThread();
        Thread onCtrlC = new Thread(() -> {
            cancelled = true;
            try {
                done.await(10, TimeUnit.SECONDS); // let the replay close its consumer and remove its state
            } catch (InterruptedException e) {
                main.interrupt();
            }
        }, "tocsin-replay-stop");
        Runtime.getRuntime().addShutdownHook(onCtrlC);
        try {
            ReplayReport report = Replay.run(rules, inForce, options, progress(System.err), () -> cancelled);
            if (cancelled) {
                System.err.println("replay stopped");
                return 130;
            }
            String written = new ReportWriter().write(report, format);
            if (out == null) {
                System.out.print(written);
            } else {
                Files.writeString(out, written, StandardCharsets.UTF_8);
                System.err.println("report written to " + out);
            }
            return 0;
        } finally {
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(onCtrlC);
            } catch (IllegalStateException e) {
                // shutting down already: the hook is running
            }
        }
    }

    /** A bar redrawn in place on a terminal; a line every few seconds otherwise (logs, CI). */
    private static Consumer<RangeReader.Progress> progress(PrintStream err) {
        boolean terminal = System.console() != null;
        long started = System.nanoTime();
        long[] lastLine = {0};
        return p -> {
            long now = System.nanoTime();
            double seconds = Math.max(0.001, (now - started) / 1e9);
            double rate = p.read() / seconds;
            long left = rate <= 0 ? 0 : (long) ((p.total() - p.read()) / rate);
            String line = String.format("replay: %,d of %,d records (%,.0f/s, %d s left)", p.read(), p.total(), rate, left);
            if (terminal) {
                int width = 30;
                int filled = p.total() == 0 ? width : (int) (width * p.read() / Math.max(1, p.total()));
                err.print("\r[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + line + (p.read() >= p.total() ? "\n" : ""));
            } else if (now - lastLine[0] > 5_000_000_000L || p.read() >= p.total()) {
                lastLine[0] = now;
                err.println(line);
            }
        };
    }

}
