package io.babelcall.common.room;

/**
 * The one list of Redis key and channel names shared by the services. Redis is the only shared state and the only
 * bus between replicas, so every name is defined here and nowhere else.
 */
public final class RedisKeys {

    private RedisKeys() {
    }

    /** Hash: the room's fields ({@code name}, {@code maxParticipants}, {@code createdAt}, {@code expiresAt}); has a TTL. */
    public static String room(String roomId) {
        return "room:" + roomId;
    }

    /** Hash: participantId -> {@link Participant} JSON; same TTL as the room. */
    public static String participants(String roomId) {
        return "room:" + roomId + ":participants";
    }

    /** Pub/sub channel: caption events (transcript, translation, dub, caption-status) from the orchestrator. */
    public static String events(String roomId) {
        return "room:" + roomId + ":events";
    }

    /** Pattern matching every room's caption-event channel. */
    public static final String EVENTS_PATTERN = "room:*:events";

    /** Pub/sub channel: presence, chat and relayed WebRTC messages between signaling replicas of one room. */
    public static String signal(String roomId) {
        return "room:" + roomId + ":signal";
    }

    /** Stream: final utterances with their translations, in order; has a TTL. */
    public static String transcript(String roomId) {
        return "room:" + roomId + ":transcript";
    }

    /** String: cached translation, key made by the orchestrator from engine, languages and normalised text hash. */
    public static String translationCache(String hash) {
        return "mt:" + hash;
    }

    /** String (binary): cached synthesis, key made like {@link #translationCache(String)}. */
    public static String synthesisCache(String hash) {
        return "tts:" + hash;
    }

    /** String (binary): a dub WAV fetchable by id for a short time. */
    public static String dubAudio(String audioId) {
        return "audio:" + audioId;
    }
}
