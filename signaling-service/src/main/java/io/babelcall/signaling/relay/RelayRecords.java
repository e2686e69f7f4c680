package io.babelcall.signaling.relay;

/**
 * The payload of a replica's relay channel: one or more records, each
 * {@code <publishedAtMicros> <roomLength> <toLength> <jsonLength>\n<roomId><to><json>} (lengths in UTF-16 chars), so
 * ids and JSON need no escaping and many relays travel in one PUBLISH.
 */
final class RelayRecords {

    private RelayRecords() {
    }

    static String encode(String roomId, String to, long publishedAtMicros, String json) {
        StringBuilder sb = new StringBuilder(roomId.length() + to.length() + json.length() + 40);
        return sb.append(publishedAtMicros).append(' ').append(roomId.length()).append(' ').append(to.length())
                .append(' ').append(json.length()).append('\n').append(roomId).append(to).append(json).toString();
    }

    /** Hands every record of {@code s} to the listener; stops at the first malformed record. */
    static void decode(String s, BusListener l) {
        int i = 0;
        int n = s.length();
        while (i < n) {
            int nl = s.indexOf('\n', i);
            if (nl < 0) {
                return;
            }
            int a = s.indexOf(' ', i);
            int b = a < 0 ? -1 : s.indexOf(' ', a + 1);
            int c = b < 0 ? -1 : s.indexOf(' ', b + 1);
            if (c < 0 || c > nl) {
                return;
            }
            long micros;
            int roomLen;
            int toLen;
            int jsonLen;
            try {
                micros = Long.parseLong(s, i, a, 10);
                roomLen = Integer.parseInt(s, a + 1, b, 10);
                toLen = Integer.parseInt(s, b + 1, c, 10);
                jsonLen = Integer.parseInt(s, c + 1, nl, 10);
            } catch (NumberFormatException e) {
                return;
            }
            int p = nl + 1;
            if (roomLen < 0 || toLen < 0 || jsonLen < 0 || (long) p + roomLen + toLen + jsonLen > n) {
                return;
            }
            String roomId = s.substring(p, p + roomLen);
            String to = s.substring(p + roomLen, p + roomLen + toLen);
            String json = s.substring(p + roomLen + toLen, p + roomLen + toLen + jsonLen);
            l.onRelay(roomId, to, micros, json);
            i = p + roomLen + toLen + jsonLen;
        }
    }
}
