package io.babelcall.common.media;

/**
 * Whose audio an RTP forward carries: the value of {@code RedisKeys.tap(ssrc)}, written by signaling before it asks
 * Janus to forward a publisher's audio with that SSRC, read by the orchestrator replica that receives the packets
 * (contract: docs/media.md, "Speech tap").
 *
 * @param payloadType the RTP payload type of the forwarded Opus packets (the {@code pt} given to Janus, usually 111);
 *                    packets of that SSRC with another payload type are dropped
 */
public record TapMapping(String roomId, String participantId, Integer payloadType) {

    /** Longest room or participant id accepted (ids are short tokens; this only bounds what is kept in memory). */
    public static final int MAX_ID_LENGTH = 128;

    /** Why this mapping is unusable, or null when it is valid. */
    public String problem() {
        if (!validId(roomId)) {
            return "roomId must be 1-" + MAX_ID_LENGTH + " printable ASCII characters";
        }
        if (!validId(participantId)) {
            return "participantId must be 1-" + MAX_ID_LENGTH + " printable ASCII characters";
        }
        if (payloadType == null || payloadType < 0 || payloadType > 127) {
            return "payloadType must be 0-127";
        }
        return null;
    }

    private static boolean validId(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_ID_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c <= ' ' || c > '~') {
                return false;
            }
        }
        return true;
    }
}
