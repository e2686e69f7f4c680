package io.babelcall.signaling.relay;

/**
 * A message between signaling replicas on a room's {@code room:{id}:signal} channel. Text, so the client-facing JSON is
 * serialized once and forwarded untouched: {@code K|origin|publishedAtMicros|arg\n<json>}.
 *
 * <ul>
 *   <li>{@code R}: relay to participant {@code arg} (offer/answer/ice already carrying {@code from});</li>
 *   <li>{@code B}: broadcast to the room except participant {@code arg} (chat);</li>
 *   <li>{@code J}/{@code U}/{@code L}: peer-joined/peer-updated/peer-left broadcast, except {@code arg}; receivers also
 *   update their roster of the room;</li>
 *   <li>{@code X}: participant {@code arg} connected again with connection id {@code json}; any other connection of it
 *   is closed (4002 replaced).</li>
 * </ul>
 */
public record Envelope(char kind, String origin, long publishedAtMicros, String arg, String json) {

    public static final char RELAY = 'R';
    public static final char BROADCAST = 'B';
    public static final char JOINED = 'J';
    public static final char UPDATED = 'U';
    public static final char LEFT = 'L';
    public static final char TAKEOVER = 'X';

    public String encode() {
        String a = arg == null ? "" : arg;
        StringBuilder sb = new StringBuilder(origin.length() + a.length() + json.length() + 24);
        return sb.append(kind).append('|').append(origin).append('|').append(publishedAtMicros).append('|')
                .append(a).append('\n').append(json).toString();
    }

    /** Parses an encoded envelope, or returns null when it is not one. */
    public static Envelope decode(String s) {
        if (s == null || s.length() < 6 || s.charAt(1) != '|') {
            return null;
        }
        int p1 = s.indexOf('|', 2);
        int p2 = p1 < 0 ? -1 : s.indexOf('|', p1 + 1);
        int nl = p2 < 0 ? -1 : s.indexOf('\n', p2 + 1);
        if (nl < 0) {
            return null;
        }
        long ts;
        try {
            ts = Long.parseLong(s, p1 + 1, p2, 10);
        } catch (NumberFormatException e) {
            return null;
        }
        return new Envelope(s.charAt(0), s.substring(2, p1), ts, s.substring(p2 + 1, nl), s.substring(nl + 1));
    }

    /** Only the origin, without decoding the rest (to skip this replica's own publishes cheaply). */
    public static boolean isFrom(String s, String origin) {
        return s.length() > origin.length() + 2 && s.startsWith(origin, 2) && s.charAt(2 + origin.length()) == '|';
    }
}
