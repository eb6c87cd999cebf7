package io.tocsin.it;

import static io.tocsin.testing.Waits.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tocsin.broker.EmbeddedKafkaBroker;
import io.tocsin.model.Alert;
import io.tocsin.model.AlertKind;
import io.tocsin.model.EventCodec;
import io.tocsin.model.ExceptionEvent;
import io.tocsin.model.ExceptionInfo;
import io.tocsin.model.Frame;
import io.tocsin.testing.ScaledTimeout;
import io.tocsin.testing.Waits;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, item 7: the state directory on a read-only disk, or a disk that fills up while the app runs. Real
 * {@code streams-app.jar run} processes on real tmpfs mounts (root with CAP_SYS_ADMIN; skipped otherwise): a
 * read-only mount is the only read-only directory for root, and a full tmpfs gives RocksDB a real ENOSPC.
 *
 * <p>A read-only {@code state.dir} is refused at start in one line naming it. A full one stops Kafka Streams on that
 * instance with one clear error line and a 503 readiness (no endless thread replacement, and above all no records
 * skipped to the dead letters, which is what a failing store write did before: the counts were silently lost). Once
 * space is freed and the app restarted on the same directory, every occurrence is counted exactly once and every
 * alert is there exactly once.
 */
@ScaledTimeout(seconds = 300)
class StateDiskFaultIT {

    private static final String SERVICE = "it-disk";
    private static final Pattern STACK_FRAME = Pattern.compile("(?m)^\\s+at |^Caused by:");
    private static final String STOPPED_LINE = "Kafka Streams stopped on this instance: it cannot write its state in state.dir ";
    /** Events of about 90 KB: 300 of one group put ~27 MB through its store, more than a RocksDB memtable (8 MB). */
    private static final int BIG_EVENTS = 300;

    private static EmbeddedKafkaBroker broker;
    private final EventCodec codec = new EventCodec();

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.startOnFreePort();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aStateDirOnAReadOnlyDiskIsRefusedAtStartInOneLineNamingIt() throws Exception {
        Path dir = Files.createTempDirectory("tocsin-ro-state-");
        try (Tmpfs disk = Tmpfs.mount(dir.resolve("disk"), "16m")) {
            Path used = Files.createDirectories(disk.path().resolve("used-state").resolve("tocsin")).getParent(); // an earlier run's
            disk.remountReadOnly();
            List<String> figures = new ArrayList<>();
            for (Path stateDir : List.of(disk.path().resolve("new-state"), used)) {
                Path log = dir.resolve(stateDir.getFileName() + ".log");
                long t0 = System.nanoTime();
                AppProcess app = AppProcess.start(env(stateDir), log);
                try {
                    assertThat(Waits.exited(app.process(), Duration.ofSeconds(60))).as("the app exits instead of hanging").isTrue();
                } finally {
                    app.kill();
                }
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                String out = Files.readString(log);

                assertThat(app.process().exitValue()).as("exit status").isNotZero();
                assertThat(out).as("what the app printed").contains("tocsin: state.dir " + stateDir
                        + " is not writable (Read-only file system): Kafka Streams keeps its state there");
                assertThat(STACK_FRAME.matcher(out).find()).as("a stack trace in:\n" + out).isFalse();
                assertThat(out.lines().filter(l -> l.contains("state.dir")).count()).as("lines naming state.dir").isEqualTo(1);
                figures.add(stateDir.getFileName() + " exit " + app.process().exitValue() + " after " + ms + " ms");
            }
            System.out.println("FIGURE disk-full: read-only state.dir refused at start in one line, no stack trace: " + String.join(", ", figures));
        }
    }

    @Test
    void aFullStateDiskStopsTheAppWithAClearErrorAndARestartAfterFreeingSpaceLosesNothing() throws Exception {
        Path dir = Files.createTempDirectory("tocsin-full-state-");
        // 15 RocksDB stores preallocate 4 MB manifests each: the app takes ~62 MB of a fresh state directory
        try (Tmpfs disk = Tmpfs.mount(dir.resolve("disk"), "160m");
             KafkaProducer<String, byte[]> producer = producer()) {
            Path stateDir = disk.path().resolve("state");
            Path ballast = disk.path().resolve("ballast");
            Path log = dir.resolve("app.log");
            Map<String, String> env = env(stateDir);

            AppProcess app = AppProcess.run(env, log);
            long ballastBytes;
            String diskSaid;
            long fullAt;
            long failedAt;
            try {
                // Given: the app counts and alerts, and the group that will fill the disk has all its stores open
                send(producer, "BeforeTheDiskFilledException", 3, false);
                send(producer, "FilledTheDiskException", 3, false);
                await("the first 6 counted", Duration.ofSeconds(60)).until(() ->
                        counts(app).equals(Map.of("BeforeTheDiskFilledException", 3L, "FilledTheDiskException", 3L)));

                // When: the disk fills up, then enough state arrives to make RocksDB flush a memtable to it
                ballastBytes = fill(ballast);
                fullAt = System.currentTimeMillis();
                send(producer, "FilledTheDiskException", BIG_EVENTS, true);

                // Then: one clear error, not ready, and it stays that way (no thread replaced again and again)
                await("a clear error and /health/ready 503", Duration.ofSeconds(120)).until(() ->
                        Files.readString(log).contains(STOPPED_LINE) && app.readyStatus() == 503);
                failedAt = System.currentTimeMillis();
                send(producer, "WhileItWasStoppedException", 3, false);
                Waits.letTimePass(Duration.ofSeconds(5));
                HttpResponse<String> ready = app.get("/health/ready");
                assertThat(ready.statusCode()).as("/health/ready while the disk is full").isEqualTo(503);
                assertThat(codec.mapper().readTree(ready.body()).path("streams").asText()).as("readiness says why")
                        .startsWith("ERROR: cannot write its state in state.dir " + stateDir).contains("No space left on device");
                String out = Files.readString(log);
                assertThat(out.lines().filter(l -> l.contains(STOPPED_LINE)).toList()).as("the error line").singleElement()
                        .satisfies(l -> assertThat(l).contains(" ERROR ").contains("No space left on device"));
                diskSaid = out.lines().filter(l -> l.contains(STOPPED_LINE)).findFirst().orElseThrow();
                diskSaid = diskSaid.substring(diskSaid.indexOf(STOPPED_LINE) + STOPPED_LINE.length() + stateDir.toString().length() + 2);
                diskSaid = diskSaid.substring(0, diskSaid.indexOf(". /health")).replace(stateDir.toString(), "<state.dir>");
                assertThat(out).as("no thread replaced for a disk error").doesNotContain("stream thread failed; replacing it");
                assertThat(out).as("no record skipped for a store failure").doesNotContain("Exception caught during message processing");
                assertThat(app.process().isAlive()).as("the process answers, not ready").isTrue();
            } finally {
                app.close();
            }

            // When: space is freed and the app restarted on the same state directory
            Files.delete(ballast);
            long restartAt = System.currentTimeMillis();
            try (AppProcess again = AppProcess.run(env, log)) {
                long readyAt = System.currentTimeMillis();
                Map<String, Long> expected = Map.of("BeforeTheDiskFilledException", 3L, "FilledTheDiskException", 3L + BIG_EVENTS,
                        "WhileItWasStoppedException", 3L);
                await("every occurrence counted", Duration.ofSeconds(120)).until(() -> expected.equals(counts(again)));
                long countedAt = System.currentTimeMillis();
                Waits.letTimePass(Duration.ofSeconds(3)); // room for a late double count or a late duplicate alert

                // Then: the state is whole: exact counts, each alert once, nothing in the dead letters
                assertThat(counts(again)).as("occurrences per group after the restart").isEqualTo(expected);
                List<Alert> alerts = Apps.alerts(broker.bootstrapServers(), "tocsin.alerts").stream()
                        .filter(a -> SERVICE.equals(a.service())).toList();
                assertThat(alerts).extracting(Alert::kind).as("alert kinds").containsOnly(AlertKind.ERROR);
                assertThat(alerts).extracting(Alert::id).as("alert ids").doesNotHaveDuplicates();
                assertThat(Apps.occurrencesByType(alerts)).as("ERROR alerts per group").isEqualTo(Map.of(
                        "BeforeTheDiskFilledException", List.of(1, 2, 3), "FilledTheDiskException", List.of(1, 2, 3, 4, 5),
                        "WhileItWasStoppedException", List.of(1, 2, 3)));
                assertThat(Apps.records(broker.bootstrapServers(), "tocsin.dead-letters")).as("dead letters").isEmpty();
                System.out.printf("FIGURE disk-full: state.dir filled by a %d MB ballast, app stopped %.1f s later (%d events of ~90 KB;"
                                + " RocksDB: \"%s\"), one ERROR line and /health/ready 503, no thread replaced, no record skipped;"
                                + " after freeing space a restart on the same state.dir was ready in %.1f s and had counted all %d"
                                + " occurrences %.1f s later, alerts lost 0, duplicates 0%n",
                        ballastBytes >> 20, (failedAt - fullAt) / 1000.0, BIG_EVENTS, diskSaid, (readyAt - restartAt) / 1000.0,
                        BIG_EVENTS + 9,
                        (countedAt - readyAt) / 1000.0);
            }
        }
    }

    private static Map<String, String> env(Path stateDir) {
        // every event kept whole as its group's sample (by default one a minute is): the big events must fill the disk
        return Map.of("TOCSIN_BOOTSTRAP_SERVERS", broker.bootstrapServers(), "TOCSIN_STATE_DIR", stateDir.toString(),
                "TOCSIN_HTTP_BIND", "127.0.0.1", "TOCSIN_ERROR_SAMPLE_INTERVAL", "0s");
    }

    /** Writes zeros until the disk refuses: a real full disk, not a sparse file. Returns the bytes written. */
    private static long fill(Path ballast) throws IOException {
        byte[] chunk = new byte[1 << 20];
        long written = 0;
        try (OutputStream out = Files.newOutputStream(ballast)) {
            while (true) {
                out.write(chunk);
                written += chunk.length;
            }
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("No space left on device")) {
                throw e;
            }
        }
        return written;
    }

    private static KafkaProducer<String, byte[]> producer() {
        Properties p = new Properties();
        p.put("bootstrap.servers", broker.bootstrapServers());
        p.put("acks", "all");
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /** n events of one group (its exception type is its fingerprint), big ones (200 long frames, ~90 KB) or small ones. */
    private void send(KafkaProducer<String, byte[]> producer, String type, int n, boolean big) throws Exception {
        List<Frame> frames = new ArrayList<>();
        for (int f = 0; f < (big ? 200 : 1); f++) {
            String cls = big ? "com.acme.disk." + "VeryDeeplyNestedSegment".repeat(12) + f : "com.acme.disk.Store";
            frames.add(new Frame(cls, big ? "handle" + "Step".repeat(25) + f : "put", "Store.java", f + 1, true));
        }
        for (int i = 0; i < n; i++) {
            ExceptionEvent e = new ExceptionEvent("exception", 1, UUID.randomUUID().toString(), Instant.now(), SERVICE, SERVICE + "-1",
                    "prod", "RUNTIME", new ExceptionInfo("com.acme.disk." + type, "write failed", frames, null), null, Map.of(),
                    List.of(type), 1);
            producer.send(new ProducerRecord<>("tocsin.errors", e.key(), codec.write(e)));
        }
        producer.flush();
    }

    /** Occurrences per group, by exception type, from {@code /api/error-groups}; empty while it cannot answer. */
    private Map<String, Long> counts(AppProcess app) throws Exception {
        HttpResponse<String> r;
        try {
            r = app.get("/api/error-groups?service=" + SERVICE);
        } catch (IOException e) {
            return Map.of();
        }
        return r.statusCode() == 200 ? Apps.countsByType(codec.mapper().readTree(r.body())) : Map.of();
    }

    /** A tmpfs of a given size mounted on a fresh directory; unmounted on close. */
    private record Tmpfs(Path path) implements AutoCloseable {

        static Tmpfs mount(Path path, String size) throws Exception {
            Files.createDirectories(path);
            String out = run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", path.toString());
            Assumptions.assumeTrue(out == null, "mounting a tmpfs is not permitted here (needs root with CAP_SYS_ADMIN): " + out);
            return new Tmpfs(path);
        }

        void remountReadOnly() throws Exception {
            String out = run("mount", "-o", "remount,ro", path.toString());
            assertThat(out).as("remount read-only").isNull();
        }

        @Override
        public void close() throws Exception {
            String out = run("umount", path.toString());
            if (out != null) {
                out = run("umount", "-l", path.toString());
            }
            assertThat(out).as("umount " + path).isNull();
        }

        /** Null when the command succeeded, else what it printed. */
        private static String run(String... command) throws Exception {
            Process p;
            try {
                p = new ProcessBuilder(command).redirectErrorStream(true).start();
            } catch (IOException e) {
                return e.getMessage();
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertThat(Waits.exited(p, Duration.ofSeconds(30))).as(String.join(" ", command)).isTrue();
            return p.exitValue() == 0 ? null : "exit " + p.exitValue() + ": " + out;
        }
    }
}
