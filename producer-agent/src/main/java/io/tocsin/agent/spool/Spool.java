package io.tocsin.agent.spool;

import java.util.List;

/**
 * The agent's outbox for exception events: every event is appended here first and removed once Kafka has
 * acknowledged it, so a broker outage (or a restart during one) loses nothing. Events come out in the order they went
 * in. A {@link DiskSpool} reports a failing disk as {@link java.io.UncheckedIOException}; the agent only ever uses
 * {@link FallbackSpool}, which turns that into a memory spool and never throws.
 */
public interface Spool extends AutoCloseable {

    /** Appends one encoded event. Returns false if it had to be refused. */
    boolean append(byte[] event);

    /** Up to {@code max} of the oldest events not yet handed out, in order; empty when there are none. */
    List<Entry> next(int max);

    /** Kafka has the event: it may be forgotten. */
    void acknowledge(Entry entry);

    /** Sending failed: hand the event out again later (events after it may be handed out again too). */
    void retry(Entry entry);

    /** Forces appended events to stable storage (a no-op in memory). */
    void sync();

    /** Bytes of events not yet acknowledged. */
    long bytes();


    @Override
    void close();

    /** One spooled event and where it lives. */
    record Entry(long segment, int index, byte[] event) {
    }
}
