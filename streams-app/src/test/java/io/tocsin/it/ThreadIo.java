package io.tocsin.it;

import io.tocsin.testing.Waits;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingStream;

/**
 * Records, per thread, which blocking I/O it did (socket reads and writes, file reads, writes and forces), using the
 * JDK's flight recorder in this JVM. It turns "the host's thread never touches the network or the disk" into a fact
 * a test can assert, however slow the machine: no timing is involved. The JVM reading a class file the first time a
 * thread needs a class is left out: that is class loading, which every line of code may cause, not a call our code
 * makes.
 */
final class ThreadIo implements AutoCloseable {

    private static final String[] IO_EVENTS = {"jdk.SocketRead", "jdk.SocketWrite", "jdk.FileRead", "jdk.FileWrite", "jdk.FileForce"};
    private static final String MARKER = "io.tocsin.it.ThreadIoMarker";

    @Name(MARKER)
    @Label("ThreadIo marker")
    static final class Marker extends Event {
        int serial;
    }

    private final RecordingStream stream = new RecordingStream();
    private final Map<String, Set<String>> ioByThread = new ConcurrentHashMap<>();
    private final AtomicInteger markersSeen = new AtomicInteger();

    private ThreadIo() {
        for (String event : IO_EVENTS) {
            stream.enable(event).withThreshold(Duration.ZERO).withStackTrace();
        }
        stream.enable(MARKER);
        stream.onEvent(this::record);
        stream.onEvent(MARKER, e -> markersSeen.accumulateAndGet(e.getInt("serial"), Math::max));
    }

    static ThreadIo start() {
        ThreadIo io = new ThreadIo();
        io.stream.startAsync();
        return io;
    }

    /**
     * Everything recorded so far, by thread name. The recorder delivers in flushes about a second apart, so this
     * first waits until a marker committed now has come through, then one more: both flushes hold all I/O before.
     */
    Map<String, Set<String>> snapshot() {
        for (int i = 0; i < 2; i++) {
            int serial = markersSeen.get() + 1;
            Marker m = new Marker();
            m.serial = serial;
            m.commit();
            Waits.await("flight recorder flush", Duration.ofSeconds(20)).until(() -> markersSeen.get() >= serial);
        }
        Map<String, Set<String>> out = new TreeMap<>();
        ioByThread.forEach((thread, events) -> out.put(thread, new TreeSet<>(events)));
        return out;
    }

    private void record(RecordedEvent e) {
        RecordedThread thread = e.getThread();
        if (thread != null && !e.getEventType().getName().equals(MARKER) && !loadingAClass(e)) {
            ioByThread.computeIfAbsent(String.valueOf(thread.getJavaName()), t -> ConcurrentHashMap.newKeySet())
                    .add(e.getEventType().getName());
        }
    }

    private static boolean loadingAClass(RecordedEvent e) {
        RecordedStackTrace trace = e.getStackTrace();
        return trace != null && trace.getFrames().stream().anyMatch(f -> f.getMethod().getName().equals("loadClass")
                && f.getMethod().getType().getName().endsWith("ClassLoader"));
    }

    @Override
    public void close() {
        stream.close();
    }
}
