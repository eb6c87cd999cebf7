package io.tocsin.replay;

import io.tocsin.config.AppConfig;
import io.tocsin.errors.ErrorGroup;
import io.tocsin.errors.Fingerprinter;
import io.tocsin.model.Alert;
import io.tocsin.model.AlertKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** Collects what a replay sees (alerts, groups, events per minute) and builds the {@link ReplayReport}. */
final class ReportBuilder {

    static final int TOP_GROUPS_CHARTED = 5;
    private static final List<String> RULE_PREFIXES = List.of("error.", "heartbeat.", "inhibit.", "maintenance.", "routes", "route.");
    private static final long MINUTE = 60_000;

    private final AppConfig config;
    private final AppConfig inForce;
    private final Replay.Options options;
    private final long fromMs;
    private final long toMs;
    private final List<Alert> alerts = new ArrayList<>();
    private final Map<String, ErrorGroup> groups = new HashMap<>();
    private final Map<String, Long> occurrences = new HashMap<>();
    private final Map<String, Long> firstInRange = new HashMap<>();
    private final Set<String> seenBefore = new HashSet<>();
    private final Map<String, Map<Integer, Long>> perMinute = new HashMap<>();
    private final Map<String, Set<String>> candidatesOf = new HashMap<>();
    private final Map<String, Set<String>> currentsOf = new HashMap<>();
    private final Map<String, String> titles = new HashMap<>();
    private final Map<String, Long> candidateOccurrences = new HashMap<>();
    private long errorEvents;
    private long heartbeats;
    private long deadLetters;

    ReportBuilder(AppConfig config, AppConfig inForce, Replay.Options options) {
        this.config = config;
        this.inForce = inForce;
        this.options = options;
        this.fromMs = options.from().toEpochMilli();
        this.toMs = options.to().toEpochMilli();
    }

    /** An alert written when the replayed clock showed {@code writtenAt}: it belongs to the range if that is in it. */
    void alert(Alert a, long writtenAt) {
        if (writtenAt >= fromMs && writtenAt <= toMs) {
            alerts.add(a);
        }
    }

    void group(ErrorGroup g) {
        groups.put(g.fingerprint(), g);
    }

    void errorEvent(String fingerprint, long time, long count) {
        errorEvents++;
        occurrences.merge(fingerprint, count, Long::sum);
        firstInRange.merge(fingerprint, time, Math::min);
        perMinute.computeIfAbsent(fingerprint, k -> new HashMap<>()).merge((int) ((time - fromMs) / MINUTE), count, Long::sum);
    }

    /** A group with events in the look-back: not new in the range. */
    void seenBeforeRange(String fingerprint) {
        seenBefore.add(fingerprint);
    }

    /** One event as grouped by the current rules and by the candidate's. */
    void compared(String current, String candidateGroup, String title, long count) {
        candidatesOf.computeIfAbsent(current, k -> new TreeSet<>()).add(candidateGroup);
        currentsOf.computeIfAbsent(candidateGroup, k -> new TreeSet<>()).add(current);
        titles.putIfAbsent(current, title);
        candidateOccurrences.merge(candidateGroup, count, Long::sum);
    }

    private ReplayReport.FingerprintComparison comparison() {
        if (options.compareWith().isEmpty()) {
            return null;
        }
        List<ReplayReport.Merge> merged = new ArrayList<>();
        currentsOf.forEach((cand, currents) -> {
            if (currents.size() > 1) {
                merged.add(new ReplayReport.Merge(cand, candidateOccurrences.get(cand), List.copyOf(currents),
                        currents.stream().map(c -> titles.getOrDefault(c, "")).toList()));
            }
        });
        List<ReplayReport.Split> split = new ArrayList<>();
        candidatesOf.forEach((current, cands) -> {
            if (cands.size() > 1) {
                split.add(new ReplayReport.Split(current, titles.getOrDefault(current, ""), occurrences.getOrDefault(current, 0L), List.copyOf(cands)));
            }
        });
        merged.sort(Comparator.comparing(ReplayReport.Merge::occurrences).reversed().thenComparing(ReplayReport.Merge::candidateGroup));
        split.sort(Comparator.comparing(ReplayReport.Split::occurrences).reversed().thenComparing(ReplayReport.Split::currentGroup));
        return new ReplayReport.FingerprintComparison(Fingerprinter.VERSION, options.compareWith().get().version(),
                candidatesOf.size(), currentsOf.size(), merged, split);
    }

    void heartbeat() {
        heartbeats++;
    }

    void deadLetters(long n) {
        deadLetters += n;
    }

    ReplayReport build() {
        Comparator<Alert> byTimeThenId = Comparator.comparing(Alert::timestamp).thenComparing(Alert::id);
        List<Alert> sorted = alerts.stream().sorted(byTimeThenId).toList();
        List<Long> minutes = new ArrayList<>();
        for (long m = fromMs; m < toMs; m += MINUTE) {
            minutes.add(m);
        }
        List<ReplayReport.DownPeriod> down = downPeriods(sorted);
        return new ReplayReport(options.from().toString(), options.to().toString(), rules(config), changedRules(),
                new ReplayReport.Counts(errorEvents, heartbeats, deadLetters, sorted.size(), sorted.stream().filter(Alert::silenced).count()),
                sorted, timeline(sorted), groupSummaries(sorted), services(down), minutes, chart(minutes.size()), down, comparison());
    }

    private static Map<String, String> rules(AppConfig c) {
        Map<String, String> out = new TreeMap<>();
        c.describe().forEach((k, v) -> {
            if (RULE_PREFIXES.stream().anyMatch(k::startsWith)) {
                out.put(k, v);
            }
        });
        return out;
    }

    private Map<String, List<String>> changedRules() {
        Map<String, String> before = rules(inForce);
        Map<String, String> after = rules(config);
        Map<String, List<String>> out = new TreeMap<>();
        new TreeSet<>(after.keySet()).forEach(k -> {
            if (!Objects.equals(before.get(k), after.get(k))) {
                out.put(k, List.of(String.valueOf(before.get(k)), after.get(k)));
            }
        });
        return out;
    }

    private List<ReplayReport.TimelineEntry> timeline(List<Alert> sorted) {
        List<ReplayReport.TimelineEntry> out = new ArrayList<>();
        sorted.forEach(a -> out.add(new ReplayReport.TimelineEntry(a.timestamp().toString(), a.kind().name(), a.key(), a.title(), a.silenced())));
        firstInRange.keySet().forEach(fp -> {
            ErrorGroup g = groups.get(fp);
            if (g != null && !seenBefore.contains(fp)) {
                out.add(new ReplayReport.TimelineEntry(Instant.ofEpochMilli(g.firstSeen()).toString(), "FIRST_SEEN", fp, g.title(), false));
            }
        });
        out.sort(Comparator.comparing(ReplayReport.TimelineEntry::time).thenComparing(ReplayReport.TimelineEntry::what)
                .thenComparing(ReplayReport.TimelineEntry::key));
        return out;
    }

    private List<ReplayReport.GroupSummary> groupSummaries(List<Alert> sorted) {
        Map<String, Long> alerted = sorted.stream().filter(a -> a.kind() == AlertKind.ERROR)
                .collect(Collectors.groupingBy(Alert::key, Collectors.counting()));
        List<ReplayReport.GroupSummary> out = new ArrayList<>();
        occurrences.forEach((fp, n) -> {
            ErrorGroup g = groups.get(fp);
            long sent = alerted.getOrDefault(fp, 0L);
            out.add(new ReplayReport.GroupSummary(fp, g == null ? "" : g.title(), g == null ? "" : g.service(), n, sent,
                    Math.max(0, n - sent), g == null ? List.of() : g.instances().stream().sorted().toList()));
        });
        out.sort(Comparator.comparing(ReplayReport.GroupSummary::occurrences).reversed().thenComparing(ReplayReport.GroupSummary::fingerprint));
        return out;
    }

    /** Down periods from the availability alerts: a service's, or one instance's, from its down alert to its up. */
    private List<ReplayReport.DownPeriod> downPeriods(List<Alert> sorted) {
        Map<String, Alert> open = new LinkedHashMap<>();
        List<ReplayReport.DownPeriod> out = new ArrayList<>();
        for (Alert a : sorted) {
            String key = a.service() + "/" + (a.instance() == null ? "" : a.instance());
            if (a.kind() == AlertKind.INSTANCE_DOWN || a.kind() == AlertKind.SERVICE_DOWN) {
                open.putIfAbsent(key, a);
            } else if ((a.kind() == AlertKind.INSTANCE_UP || a.kind() == AlertKind.SERVICE_UP) && open.containsKey(key)) {
                Alert d = open.remove(key);
                out.add(new ReplayReport.DownPeriod(d.service(), d.instance(), d.timestamp().toEpochMilli(), a.timestamp().toEpochMilli()));
            }
        }
        open.values().forEach(d -> out.add(new ReplayReport.DownPeriod(d.service(), d.instance(), d.timestamp().toEpochMilli(), toMs)));
        out.sort(Comparator.comparingLong(ReplayReport.DownPeriod::start).thenComparing(ReplayReport.DownPeriod::service)
                .thenComparing(p -> String.valueOf(p.instance())));
        return out;
    }

    private static List<ReplayReport.ServiceSummary> services(List<ReplayReport.DownPeriod> down) {
        Map<String, List<ReplayReport.DownPeriod>> byService = new TreeMap<>();
        down.forEach(p -> byService.computeIfAbsent(p.service(), k -> new ArrayList<>()).add(p));
        List<ReplayReport.ServiceSummary> out = new ArrayList<>();
        byService.forEach((service, periods) -> out.add(new ReplayReport.ServiceSummary(service, null, unionSeconds(periods),
                periods.stream().map(p -> p.instance() == null ? "(whole service)" : p.instance()).distinct().sorted().toList())));
        return out;
    }

    private static long unionSeconds(List<ReplayReport.DownPeriod> periods) {
        long total = 0;
        long coveredTo = Long.MIN_VALUE;
        for (ReplayReport.DownPeriod p : periods.stream().sorted(Comparator.comparingLong(ReplayReport.DownPeriod::start)).toList()) {
            long start = Math.max(p.start(), coveredTo);
            if (p.end() > start) {
                total += p.end() - start;
            }
            coveredTo = Math.max(coveredTo, p.end());
        }
        return total / 1000;
    }

    /** Occurrences per minute of the top groups, and of all others together as "other". */
    private Map<String, List<Long>> chart(int points) {
        List<String> top = occurrences.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(TOP_GROUPS_CHARTED).map(Map.Entry::getKey).toList();
        Map<String, List<Long>> out = new LinkedHashMap<>();
        top.forEach(fp -> out.put(fp, series(perMinute.get(fp), points)));
        Map<Integer, Long> others = new HashMap<>();
        perMinute.forEach((fp, m) -> {
            if (!top.contains(fp)) {
                m.forEach((minute, n) -> others.merge(minute, n, Long::sum));
            }
        });
        if (!others.isEmpty()) {
            out.put("other", series(others, points));
        }
        return out;
    }

    private static List<Long> series(Map<Integer, Long> counts, int points) {
        List<Long> out = new ArrayList<>(points);
        for (int i = 0; i < points; i++) {
            out.add(counts.getOrDefault(i, 0L));
        }
        return out;
    }
}
