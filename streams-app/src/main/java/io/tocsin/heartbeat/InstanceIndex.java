package io.tocsin.heartbeat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * What the heartbeat monitor needs to find without reading every instance: deadlines sorted by due time, the down
 * instances of a service waiting to be announced, and the members of each service outage. One String→String store
 * (values are instance keys, {@code service/instance}), keys:
 * <ul>
 * <li>{@code silence/<due>/<instance>}: an UP instance may be silent by then. Lazy: written when the instance comes
 * up, not on every heartbeat; the tick that finds it due and the instance beaten since moves it to the last heartbeat
 * plus the timeout. {@code silence-of/<instance>} holds its due time, so it can be moved or dropped;</li>
 * <li>{@code announce/<due>/<instance>}: a down, unannounced instance's group wait ends;</li>
 * <li>{@code flap/<due>/<instance>}: a flapping instance's flap window ends;</li>
 * <li>{@code forget/<due>/<instance>}: a down or stopped instance's retention ends;</li>
 * <li>{@code waiting/<service>/<instance>}: down, unannounced (the members of the next announcement);</li>
 * <li>{@code member/<outage>/<instance>} and {@code open/<outage>/<instance>}: took part in a service outage (still
 * down in it, or back from it), and still down in it;</li>
 * <li>{@code meta/built}: the rules the derived keys were built under.</li>
 * </ul>
 * Every key but the lazy silence deadline follows from the entry alone ({@link #derived}), so writing an entry
 * updates exactly the keys that changed with it, and a heartbeat of a steady instance touches none.
 */
final class InstanceIndex {

    static final String SILENCE = "silence/";
    static final String ANNOUNCE = "announce/";
    static final String FLAP = "flap/";
    static final String FORGET = "forget/";
    private static final String SILENCE_OF = "silence-of/";
    private static final String WAITING = "waiting/";
    private static final String MEMBER = "member/";
    private static final String OPEN = "open/";
    private static final String BUILT = "meta/built";
    private static final StringSerializer KEYS = new StringSerializer();

    /** A deadline found due: its key in the index and the instance it is for. */
    record Deadline(String key, String instance) {
    }

    private final KeyValueStore<String, String> store;
    private final HeartbeatRules rules;

    InstanceIndex(KeyValueStore<String, String> store, HeartbeatRules rules) {
        this.store = store;
        this.rules = rules;
    }

    /**
     * Builds the index from a scan of the instances, once, when it was not built under these rules: a deployment
     * upgrading from the monitor that scanned every tick has instances and no index, and changed group wait, flap
     * window or retention move derived deadlines. Every other start finds it built and reads nothing.
     */
    void buildIfNeeded(KeyValueStore<String, InstanceEntry> instances) {
        String built = builtUnder();
        if (built.equals(store.get(BUILT))) {
            return;
        }
        List<String> stale = new ArrayList<>();
        try (KeyValueIterator<String, String> it = store.all()) {
            it.forEachRemaining(kv -> stale.add(kv.key));
        }
        stale.forEach(store::delete);
        try (KeyValueIterator<String, InstanceEntry> it = instances.all()) {
            it.forEachRemaining(kv -> {
                reindex(null, kv.value);
                if (kv.value.status() == InstanceStatus.UP) {
                    scheduleSilence(kv.value.key(), kv.value.lastHeartbeat().toEpochMilli() + kv.value.timeoutMs());
                }
            });
        }
        store.put(BUILT, built);
    }

    private String builtUnder() {
        return "group-wait=" + rules.groupWait().toMillis() + ",flap-window=" + rules.flapWindow().toMillis()
                + ",retention=" + rules.retention().toMillis();
    }

    /** Brings the derived keys from what {@code before} implied to what {@code after} does (either may be null). */
    void reindex(InstanceEntry before, InstanceEntry after) {
        Map<String, String> old = derived(before);
        Map<String, String> now = derived(after);
        old.keySet().stream().filter(k -> !now.containsKey(k)).forEach(store::delete);
        now.forEach((k, v) -> {
            if (!old.containsKey(k)) {
                store.put(k, v);
            }
        });
    }

    /** The keys an entry implies, apart from its silence deadline. */
    Map<String, String> derived(InstanceEntry e) {
        Map<String, String> keys = new LinkedHashMap<>();
        if (e == null) {
            return keys;
        }
        String key = e.key();
        Outage o = e.outage();
        if (e.downUnannounced()) {
            keys.put(deadline(ANNOUNCE, e.since().toEpochMilli() + rules.groupWait().toMillis(), key), key);
            keys.put(WAITING + key, key);
        }
        if (o.flapping()) {
            keys.put(deadline(FLAP, o.lastDown() + rules.flapWindow().toMillis(), key), key);
        }
        if (e.status() != InstanceStatus.UP) {
            keys.put(deadline(FORGET, e.since().toEpochMilli() + rules.retention().toMillis(), key), key);
        }
        if (o.alertId() != null && o.kind() == Outage.Kind.SERVICE) {
            keys.put(MEMBER + o.alertId() + "/" + key, key);
            keys.put(OPEN + o.alertId() + "/" + key, key);
        }
        if (o.recoveredFrom() != null) {
            // which kind of outage it came back from is not kept: any may be a service outage that asks for members
            keys.put(MEMBER + o.recoveredFrom() + "/" + key, key);
        }
        return keys;
    }

    /** The instance's silence deadline, moved to {@code due} (the one it had, if any, dropped). */
    void scheduleSilence(String instance, long due) {
        String was = store.get(SILENCE_OF + instance);
        String next = pad(due);
        if (next.equals(was)) {
            return;
        }
        if (was != null) {
            store.delete(SILENCE + was + "/" + instance);
        }
        store.put(SILENCE + next + "/" + instance, instance);
        store.put(SILENCE_OF + instance, next);
    }

    /** A due silence deadline moved on, its due time known, so without looking it up. */
    void rescheduleSilence(Deadline d, long due) {
        store.delete(d.key());
        store.put(deadline(SILENCE, due, d.instance()), d.instance());
        store.put(SILENCE_OF + d.instance(), pad(due));
    }

    /** A due silence deadline done with: the instance is down, or no longer needs watching. */
    void dropSilence(Deadline d) {
        store.delete(d.key());
        store.delete(SILENCE_OF + d.instance());
    }

    /** Drops the instance's silence deadline, if it has one (it stopped). */
    void cancelSilence(String instance) {
        String was = store.get(SILENCE_OF + instance);
        if (was != null) {
            store.delete(SILENCE + was + "/" + instance);
            store.delete(SILENCE_OF + instance);
        }
    }

    /** Deadlines of one kind due by {@code upTo}, earliest first; read whole, so handling them may write the index. */
    List<Deadline> due(String kind, long upTo) {
        List<Deadline> due = new ArrayList<>();
        // inclusive bounds; no key is "<kind><pad(upTo + 1)>" itself, every later one has "/<instance>" after it
        try (KeyValueIterator<String, String> it = store.range(kind + pad(0), kind + pad(upTo + 1))) {
            it.forEachRemaining(kv -> due.add(new Deadline(kv.key, kv.value)));
        }
        return due;
    }

    /** Drops a deadline its entry no longer implies (the entry changed or went while it was due). */
    void drop(Deadline d) {
        store.delete(d.key());
    }

    /** The down, unannounced instances of a service, by key. */
    List<String> waiting(String service) {
        return values(WAITING + service + "/");
    }

    /** Every instance still down in the service outage {@code outageId} or back from it, by key. */
    List<String> members(String outageId) {
        return values(MEMBER + outageId + "/");
    }

    /** Whether any instance is still down in the service outage {@code outageId}: one seek, however large it was. */
    boolean open(String outageId) {
        try (KeyValueIterator<String, String> it = store.prefixScan(OPEN + outageId + "/", KEYS)) {
            return it.hasNext();
        }
    }

    private List<String> values(String prefix) {
        List<String> found = new ArrayList<>();
        try (KeyValueIterator<String, String> it = store.prefixScan(prefix, KEYS)) {
            it.forEachRemaining(kv -> found.add(kv.value));
        }
        return found;
    }

    private static String deadline(String kind, long due, String instance) {
        return kind + pad(due) + "/" + instance;
    }

    private static String pad(long time) {
        return String.format("%019d", Math.max(0, time));
    }
}
