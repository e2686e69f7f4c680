package io.babelcall.signaling.caption;

import io.babelcall.common.language.LanguageCode;
import io.babelcall.common.room.Participant;
import java.time.Duration;
import java.time.Instant;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Who receives which caption event (delivery rule of {@code docs/signaling.md}), decided with the listener's current
 * languages:
 * <ul>
 *   <li>{@code transcript} and {@code caption-status}: every listener in the room;</li>
 *   <li>{@code translation}: listeners whose caption language equals the event's {@code language};</li>
 *   <li>{@code dub}: listeners with dubbing on whose caption language (the dubbing language) equals the event's
 *   {@code language}, except the speaker.</li>
 * </ul>
 */
public final class CaptionRouting {

    public static final String TRANSCRIPT = "transcript";
    public static final String TRANSLATION = "translation";
    public static final String DUB = "dub";
    public static final String STATUS = "caption-status";

    /** The fields routing needs, read once per event; null {@link #type} when the event is unusable. */
    public record Header(String type, LanguageCode language, String speaker, boolean isFinal, Instant publishedAt) {

        private static final Header UNUSABLE = new Header(null, null, null, false, null);

        public static Header parse(ObjectMapper json, String raw) {
            JsonNode n;
            try {
                n = json.readTree(raw);
            } catch (RuntimeException e) {
                return UNUSABLE;
            }
            if (n == null || !n.isObject()) {
                return UNUSABLE;
            }
            String type = text(n, "type");
            String lang = text(n, "language");
            LanguageCode code = lang != null && LanguageCode.isValid(lang) ? LanguageCode.of(lang) : null;
            if (type == null || ((TRANSLATION.equals(type) || DUB.equals(type)) && code == null)) {
                return UNUSABLE;
            }
            if (!TRANSCRIPT.equals(type) && !TRANSLATION.equals(type) && !DUB.equals(type) && !STATUS.equals(type)) {
                return UNUSABLE;
            }
            return new Header(type, code, text(n, "speaker"), n.path("final").asBoolean(false),
                    instant(text(n, "publishedAt")));
        }

        /**
         * Whether the event, published at {@link #publishedAt}, is older than {@code staleAfter} at {@code now}:
         * delayed by an outage rather than live. Events without a publication time are never stale.
         */
        public boolean staleAt(Instant now, Duration staleAfter) {
            return publishedAt != null && Duration.between(publishedAt, now).compareTo(staleAfter) > 0;
        }

        /** What a stale event still worth delivering becomes: itself with {@code "late":true}. */
        public static String markedLate(String raw) {
            int end = raw.lastIndexOf('}');
            return end < 0 ? raw : raw.substring(0, end) + ",\"late\":true}";
        }

        private static Instant instant(String s) {
            if (s == null) {
                return null;
            }
            try {
                return Instant.parse(s);
            } catch (RuntimeException e) {
                return null;
            }
        }

        private static String text(JsonNode n, String field) {
            JsonNode v = n.get(field);
            return v != null && v.isString() ? v.asString() : null;
        }
    }

    private CaptionRouting() {
    }

    public static boolean deliver(Header h, Participant listener) {
        return switch (h.type()) {
            case TRANSCRIPT, STATUS -> true;
            case TRANSLATION -> h.language().equals(listener.captionLanguage());
            case DUB -> listener.dubbing() && h.language().equals(listener.captionLanguage())
                    && !listener.participantId().equals(h.speaker());
            default -> false;
        };
    }
}
