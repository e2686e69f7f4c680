package io.babelcall.common.room;

/**
 * The one list of Redis key and channel names shared by the services. Redis is the only shared state and the only
 * bus between replicas, so every name is defined here and nowhere else.
 *
 * <p>Redis Cluster: every key and channel of one room carries the hash tag {@code {roomId}} and every per-replica key
 * the tag {@code {replicaId}}, so a script or command that touches several keys of one room (or of one replica) maps
 * to one slot. Keys of different rooms/replicas and the few global sets ({@link #SIGNALING_REPLICAS},
 * {@link #SFU_NODE_ROOMS}, {@link #TAP_REPLICAS}) live in other slots: no script or multi-key command may mix them.
 */
public final class RedisKeys {

    private RedisKeys() {
    }

    /** Hash: the room's fields ({@code name}, {@code maxParticipants}, {@code createdAt}, {@code expiresAt}); has a TTL. */
    public static String room(String roomId) {
        return roomPrefix(roomId);
    }

    /** Hash: participantId -> {@link Participant} JSON; same TTL as the room. */
    public static String participants(String roomId) {
        return roomPrefix(roomId) + ":participants";
    }

    /** Pub/sub channel: caption events (transcript, translation, dub, caption-status) from the orchestrator. */
    public static String events(String roomId) {
        return roomPrefix(roomId) + ":events";
    }

    /** Pub/sub channel: presence, chat and relayed WebRTC messages between signaling replicas of one room. */
    public static String signal(String roomId) {
        return roomPrefix(roomId) + ":signal";
    }

    /**
     * Hash: participantId -> presence JSON of a participant connected to signaling (replica, connection id, media
     * state, {@code connected}/{@code away}); same TTL as the room. Written only by signaling.
     */
    public static String presence(String roomId) {
        return roomPrefix(roomId) + ":presence";
    }

    /** String: id of the SFU (Janus) node the room's media runs on, pinned at its first publish; same TTL as the room. */
    public static String sfuRoom(String roomId) {
        return roomPrefix(roomId) + ":sfu";
    }

    /** Hash: SFU node id -> number of rooms pinned to it (the load the node picker compares). */
    public static final String SFU_NODE_ROOMS = "sfu:node-rooms";

    /** Set: ids of the signaling replicas that may hold participants (alive or not yet swept). */
    public static final String SIGNALING_REPLICAS = "signaling:replicas";

    /** String with a short TTL: present while the signaling replica {@code replicaId} is alive (heartbeat). */
    public static String signalingReplica(String replicaId) {
        return replicaPrefix(replicaId);
    }

    /** Set: {@code roomId<TAB>participantId} of every participant that signaling replica {@code replicaId} holds. */
    public static String signalingReplicaMembers(String replicaId) {
        return replicaPrefix(replicaId) + ":members";
    }

    /**
     * Pub/sub channel: relayed WebRTC messages (offer/answer/ice) addressed to participants connected to signaling
     * replica {@code replicaId}, so each replica receives only the relays it delivers.
     */
    public static String signalingReplicaSignal(String replicaId) {
        return replicaPrefix(replicaId) + ":signal";
    }

    /** Stream: final utterances with their translations, in order; has a TTL. */
    public static String transcript(String roomId) {
        return roomPrefix(roomId) + ":transcript";
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

    /**
     * Hash: token-bucket state ({@code tokens}, {@code ts}) of one rate-limited client for one operation, shared by
     * every api replica; expires once the bucket would be full again.
     */
    public static String rateLimit(String operation, String client) {
        return "ratelimit:" + operation + ":" + client;
    }

    /**
     * Pub/sub channel between orchestrator replicas: "participant X of room Y opened audio stream Z", so a replica
     * holding an older stream of that participant closes it (one audio stream per participant).
     */
    public static final String AUDIO_STREAM_CLAIMS = "orchestrator:audio-streams";

    /**
     * String: {@link io.babelcall.common.media.TapMapping} JSON of the RTP forward that uses SSRC {@code ssrc}
     * (unsigned 32-bit, in decimal); written by signaling (SET NX with a TTL it refreshes) before it asks Janus to
     * forward, deleted when the forward stops. The orchestrator only reads it.
     */
    public static String tap(long ssrc) {
        if (ssrc < 0 || ssrc > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("SSRC out of range: " + ssrc);
        }
        return "orchestrator:tap:" + ssrc;
    }

    /** Set: ids of the orchestrator replicas that may receive RTP forwards (alive or not yet swept). */
    public static final String TAP_REPLICAS = "orchestrator:tap-replicas";

    /**
     * String with a short TTL: {@link io.babelcall.common.media.TapEndpoint} JSON of orchestrator replica
     * {@code replicaId}, present while it is alive and receiving (heartbeat); deleted first when it stops. No hash
     * tag: it is only ever touched alone, or by signaling's MGET of every replica's key, which spans replicas (and
     * so slots) whatever the tag.
     */
    public static String tapReplica(String replicaId) {
        return "orchestrator:tap-replica:" + replicaId;
    }

    /** {@code room:{roomId}}: the prefix, with the room's hash tag, of every key and channel of one room. */
    private static String roomPrefix(String roomId) {
        return "room:{" + roomId + "}";
    }

    /** The room id of a channel made by {@link #events} or {@link #signal}, or null when it is not one. */
    public static String roomIdOf(String channel) {
        if (!channel.startsWith("room:{")) {
            return null;
        }
        int close = channel.indexOf('}', 6);
        return close < 0 ? null : channel.substring(6, close);
    }

    private static String replicaPrefix(String replicaId) {
        return "signaling:replica:{" + replicaId + "}";
    }
}
