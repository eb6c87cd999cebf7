package io.tocsin.errors;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The rule at the heart of Tocsin, as a pure function of a group's state. Per group a window opens at the first
 * occurrence (event time) and lasts {@code window}; events that bring the window's count up to {@code limit} alert
 * (at most one alert per event, however many occurrences it stands for), later ones are counted as suppressed; the
 * first occurrence at or after the window's end opens a new window and alerts again. An occurrence up to
 * {@code grace} late lands in the window its time belongs to (the previous one stays open for that long); a later
 * one is only counted (and reported with the digest of the window then open). A window closes when time passes its
 * end plus grace; if it suppressed anything or late occurrences came, closing yields a digest.
 */
public final class CapThenResetThrottle {

    private final ThrottleRules rules;

    public CapThenResetThrottle(ThrottleRules rules) {
        this.rules = rules;
    }

    public ThrottleRules rules() {
        return rules;
    }

    /** The group after an event, the alert it earned if any, and windows that had to close to make room. */
    public record Decision(ErrorGroup group, Optional<AlertedOccurrence> alert, List<ErrorWindow> closed) {
    }

    /** An alert-worthy occurrence: the window it landed in and its occurrence number within it. */
    public record AlertedOccurrence(ErrorWindow window, int occurrence) {
    }

    public Decision apply(ErrorGroup previousState, GroupedError error, long t) {
        ErrorGroup g = (previousState == null ? ErrorGroup.first(error, t) : previousState).seen(error, t);
        List<ErrorWindow> closed = new ArrayList<>();
        ErrorWindow current = g.current();
        ErrorWindow previous = g.previous();
        long count = error.event().count();

        if (current == null || t >= current.end()) {
            if (previous != null && !previous.closed()) {
                closed.add(previous.close());
            }
            previous = current == null || current.closed() ? null : current;
            current = ErrorWindow.open(t, rules.window().toMillis());
        }
        switch (place(current, previous, t)) {
            case CURRENT -> {
                Counted c = count(current, count, t, error.event().id());
                return decision(g.withWindows(c.window(), previous), c, closed);
            }
            case PREVIOUS -> {
                Counted c = count(previous, count, t, error.event().id());
                return decision(g.withWindows(current, c.window()), c, closed);
            }
            default -> {
                return new Decision(g.withWindows(current, previous).withLate(count), Optional.empty(), closed);
            }
        }
    }

    private enum Place { CURRENT, PREVIOUS, LATE }

    /** Where an occurrence at {@code t} belongs, given that {@code current} starts at or before any newer one. */
    private Place place(ErrorWindow current, ErrorWindow previous, long t) {
        if (t >= current.start()) {
            return current.closed() ? Place.LATE : Place.CURRENT;
        }
        if (previous != null && !previous.closed() && previous.contains(t)) {
            return Place.PREVIOUS;
        }
        return !current.closed() && current.start() - t <= rules.grace().toMillis() ? Place.CURRENT : Place.LATE;
    }

    /** Closes the windows whose end plus grace is at or before {@code time}; returns the group and what closed. */
    public Decision closeDue(ErrorGroup g, long time) {
        List<ErrorWindow> closed = new ArrayList<>();
        ErrorWindow current = g.current();
        ErrorWindow previous = g.previous();
        long grace = rules.grace().toMillis();
        if (previous != null && previous.end() + grace <= time) {
            if (!previous.closed()) {
                closed.add(previous.close());
            }
            previous = null;
        }
        if (current != null && !current.closed() && current.end() + grace <= time) {
            current = current.close();
            closed.add(current);
        }
        return new Decision(g.withWindows(current, previous), Optional.empty(), closed);
    }

    private record Counted(ErrorWindow window, Optional<AlertedOccurrence> alert) {
    }

    private Counted count(ErrorWindow w, long occurrences, long t, String eventId) {
        if (w.count() < rules.limit()) {
            ErrorWindow after = w.alerted(occurrences, t, eventId);
            return new Counted(after, Optional.of(new AlertedOccurrence(after, (int) Math.min(after.count(), rules.limit()))));
        }
        return new Counted(w.suppressed(occurrences, t), Optional.empty());
    }

    private static Decision decision(ErrorGroup g, Counted c, List<ErrorWindow> closed) {
        return new Decision(c.alert().isPresent() ? g.withAlert() : g, c.alert(), closed);
    }
}
