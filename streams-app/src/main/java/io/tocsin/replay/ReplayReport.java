package io.tocsin.replay;

import io.tocsin.model.Alert;
import java.util.List;
import java.util.Map;

/**
 * What a replay found, in a form that is a function of the range and the rules alone (no generation time, host,
 * paths or durations), so the same replay gives a byte-identical JSON report. Lists are sorted by time, then id.
 *
 * @param rules        the rules the replay ran with (throttle and heartbeat keys)
 * @param changedRules for each key given with {@code --set}: the value in force and the value replayed
 * @param alerts       every alert that fired or would have fired in the range, with the same fields as live alerts
 * @param timeline     alerts, first occurrences of groups and instance downs/ups, in time order
 * @param minutes      the range's minutes (epoch ms of each minute's start), the chart's x axis
 * @param errorsPerMinute per top group (by occurrences) and "other": occurrences in each minute of {@code minutes}
 * @param fingerprintComparison with {@code --compare-fingerprints}: what the candidate rules merge and split; else null
 */
public record ReplayReport(
        String from,
        String to,
        Map<String, String> rules,
        Map<String, List<String>> changedRules,
        Counts counts,
        List<Alert> alerts,
        List<TimelineEntry> timeline,
        List<GroupSummary> groups,
        List<ServiceSummary> services,
        List<Long> minutes,
        Map<String, List<Long>> errorsPerMinute,
        List<DownPeriod> downPeriods,
        FingerprintComparison fingerprintComparison) {

    /** Records read, by kind, and alerts by outcome. */
    public record Counts(long errorEvents, long heartbeats, long deadLetters, long alerts, long silencedAlerts) {
    }

    /** One line of the timeline. */
    public record TimelineEntry(String time, String what, String key, String title, boolean silenced) {
    }

    public record GroupSummary(String fingerprint, String title, String service, long occurrences, long alertsSent,
                               long alertsSuppressed, List<String> instances) {
    }

    public record ServiceSummary(String service, String environment, long secondsDown, List<String> instancesDown) {
    }

    /**
     * The range grouped by the current rules and by a candidate: candidate groups that take in several current ones
     * (merged) and current groups the candidate cuts in several (split), with titles as examples.
     */
    public record FingerprintComparison(String current, String candidate, int currentGroups, int candidateGroups,
                                        List<Merge> merged, List<Split> split) {
    }

    public record Merge(String candidateGroup, long occurrences, List<String> currentGroups, List<String> titles) {
    }

    public record Split(String currentGroup, String title, long occurrences, List<String> candidateGroups) {
    }

    /** A time a service (or one of its instances) was down, for the chart's shading; {@code end} is the range end if open. */
    public record DownPeriod(String service, String instance, long start, long end) {
    }
}
