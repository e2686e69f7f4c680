package io.babelcall.signaling.caption;

import io.babelcall.common.language.LanguageCode;
import io.babelcall.common.room.Participant;
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
    public record Header(String type, LanguageCode language, String speaker) {

        public static Header parse(ObjectMapper json, String raw) {
            JsonNode n;
            try {
                n = json.readTree(raw);
            } catch (RuntimeException e) {
                return new Header(null, null, null);
            }
            if (n == null || !n.isObject()) {
                return new Header(null, null, null);
            }
            String type = text(n, "type");
            String lang = text(n, "language");
            LanguageCode code = lang != null && LanguageCode.isValid(lang) ? LanguageCode.of(lang) : null;
            if (type == null || ((TRANSLATION.equals(type) || DUB.equals(type)) && code == null)) {
                return new Header(null, null, null);
            }
            if (!TRANSCRIPT.equals(type) && !TRANSLATION.equals(type) && !DUB.equals(type) && !STATUS.equals(type)) {
                return new Header(null, null, null);
            }
            return new Header(type, code, text(n, "speaker"));
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
