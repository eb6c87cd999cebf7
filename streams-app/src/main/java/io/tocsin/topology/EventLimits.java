package io.tocsin.topology;

import io.tocsin.model.EventCodec;
import io.tocsin.model.ExceptionEvent;
import io.tocsin.model.ExceptionInfo;
import io.tocsin.model.Frame;
import io.tocsin.model.InvalidEventException;
import io.tocsin.model.Limits;
import io.tocsin.model.RequestInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies {@link Limits} to what others send, before anything downstream reads it (the cause chain is already cut by
 * {@link EventCodec} while parsing, before anything recursive walks it; identifying names are refused there when too
 * long). Every free-text field is cut with a visible marker, tags and fingerprint parts are capped, and then the
 * event as a whole must fit {@link Limits#MAX_EVENT_BYTES}: the frames of causes, then of every exception, are cut
 * further until it does. What still does not fit is refused (it goes to the dead letters with the reason), so no
 * record the topology writes can grow past what Kafka accepts.
 */
public final class EventLimits {

    private static final String CUT = "…";

    private EventLimits() {
    }

    public static ExceptionEvent bound(ExceptionEvent e) throws InvalidEventException {
        ExceptionEvent bounded = new ExceptionEvent(e.type(), e.version(), e.id(), e.timestamp(), e.service(), e.instance(),
                e.environment(), cut(e.category(), 64), bound(e.exception(), Limits.MAX_FRAMES, Limits.MAX_FRAMES),
                bound(e.request()), bound(e.tags()), bound(e.fingerprint()), e.count());
        for (int frames = Limits.MAX_FRAMES / 2; estimatedBytes(bounded) > Limits.MAX_EVENT_BYTES; frames /= 2) {
            if (frames == 0) {
                throw new InvalidEventException(InvalidEventException.Kind.TOO_LARGE, "the event is larger than " + Limits.MAX_EVENT_BYTES
                        + " bytes even with its text and frames cut");
            }
            boolean causesOnly = frames >= Limits.MAX_FRAMES / 8;
            bounded = withException(bounded, bound(bounded.exception(), causesOnly ? Limits.MAX_FRAMES : frames, frames));
        }
        return bounded;
    }

    private static ExceptionEvent withException(ExceptionEvent e, ExceptionInfo exception) {
        return new ExceptionEvent(e.type(), e.version(), e.id(), e.timestamp(), e.service(), e.instance(), e.environment(),
                e.category(), exception, e.request(), e.tags(), e.fingerprint(), e.count());
    }

    /** The top exception keeps up to {@code topFrames}, each cause up to {@code causeFrames}. */
    private static ExceptionInfo bound(ExceptionInfo x, int topFrames, int causeFrames) {
        if (x == null) {
            return null;
        }
        ExceptionInfo cause = bound(x.cause(), causeFrames, causeFrames);
        String message = x.message();
        if (message != null && message.length() > Limits.MAX_MESSAGE_CHARS) {
            message = prefix(message, Limits.MAX_MESSAGE_CHARS) + CUT + " [" + (message.length() - Limits.MAX_MESSAGE_CHARS) + " chars truncated]";
        }
        return new ExceptionInfo(cut(x.type(), Limits.MAX_TEXT_CHARS), message, frames(x.frames(), topFrames), cause);
    }

    private static List<Frame> frames(List<Frame> all, int max) {
        List<Frame> out = new ArrayList<>(Math.min(all.size(), max + 1));
        int kept = 0;
        for (Frame f : all) {
            if (Limits.TRUNCATED_TYPE.equals(f.className())) {
                continue; // an earlier cut's marker: counted again below
            }
            if (kept == max) {
                break;
            }
            out.add(new Frame(cut(f.className(), Limits.MAX_TEXT_CHARS), cut(f.method(), Limits.MAX_TEXT_CHARS),
                    cut(f.file(), Limits.MAX_TEXT_CHARS), f.line(), f.inApp()));
            kept++;
        }
        int more = cutCount(all) + (int) all.stream().filter(f -> !Limits.TRUNCATED_TYPE.equals(f.className())).count() - kept;
        if (more > 0) {
            out.add(Limits.moreFrames(more));
        }
        return out;
    }

    /** Frames an earlier cut already stood for, from its marker ("N more frames"). */
    private static int cutCount(List<Frame> frames) {
        int n = 0;
        for (Frame f : frames) {
            if (Limits.TRUNCATED_TYPE.equals(f.className()) && f.method() != null) {
                try {
                    n += Integer.parseInt(f.method().substring(0, f.method().indexOf(' ')));
                } catch (RuntimeException e) {
                    // not our marker after all
                }
            }
        }
        return n;
    }

    private static RequestInfo bound(RequestInfo r) {
        return r == null ? null : new RequestInfo(cut(r.method(), 16), cut(r.url(), Limits.MAX_URL_CHARS));
    }

    private static Map<String, String> bound(Map<String, String> tags) {
        if (tags == null) {
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> t : tags.entrySet()) {
            if (out.size() == Limits.MAX_TAGS) {
                out.put("tocsin.truncated", (tags.size() - Limits.MAX_TAGS) + " more tags");
                break;
            }
            out.put(cut(t.getKey(), 64), cut(t.getValue(), Limits.MAX_TEXT_CHARS));
        }
        return out;
    }

    private static List<String> bound(List<String> fingerprint) {
        if (fingerprint == null) {
            return null;
        }
        return fingerprint.stream().limit(Limits.MAX_FINGERPRINT_PARTS).map(p -> cut(p, Limits.MAX_TEXT_CHARS)).toList();
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : prefix(s, max) + CUT;
    }

    /**
     * At most {@code max} chars, never ending between the two halves of a character beyond the BMP: a lone surrogate
     * in a tag key is a JSON name Jackson writes but refuses to read, so the topology's own record would be unreadable.
     */
    private static String prefix(String s, int max) {
        return s.substring(0, Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max);
    }

    /**
     * The encoded size of ASCII text, over-estimated (JSON punctuation per field), cheaply. Text of up to three bytes a
     * character can make the real size three times this: still well under the 1 MiB a record may have.
     */
    static long estimatedBytes(ExceptionEvent e) {
        long chars = 512;
        for (ExceptionInfo x = e.exception(); x != null; x = x.cause()) {
            chars += 64 + len(x.type()) + len(x.message());
            for (Frame f : x.frames()) {
                chars += 80 + len(f.className()) + len(f.method()) + len(f.file());
            }
        }
        if (e.request() != null) {
            chars += len(e.request().url()) + len(e.request().method());
        }
        if (e.tags() != null) {
            chars += e.tags().entrySet().stream().mapToLong(t -> 8 + len(t.getKey()) + len(t.getValue())).sum();
        }
        if (e.fingerprint() != null) {
            chars += e.fingerprint().stream().mapToLong(p -> 4 + len(p)).sum();
        }
        return chars;
    }

    private static long len(String s) {
        return s == null ? 0 : s.length();
    }
}
