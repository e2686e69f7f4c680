package io.babelcall.signaling.bench;

import io.babelcall.common.language.LanguageCode;
import io.babelcall.common.room.Participant;
import io.babelcall.common.room.RedisKeys;
import io.babelcall.common.token.ParticipantClaims;
import io.babelcall.common.token.ParticipantTokens;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** Writes rooms and participants into Redis as the api does, and signs their tokens. */
final class BenchRooms {
    final RedisCommands<String, String> redis;
    final ParticipantTokens tokens;

    BenchRooms(RedisCommands<String, String> redis, ParticipantTokens tokens) {
        this.redis = redis;
        this.tokens = tokens;
    }

    String room() {
        String roomId = "bench-" + UUID.randomUUID().toString().substring(0, 12);
        redis.hset(RedisKeys.room(roomId), Map.of("name", "bench", "maxParticipants", "6"));
        redis.expire(RedisKeys.room(roomId), 3600);
        return roomId;
    }

    Participant participant(String roomId, String name) {
        Participant p = new Participant(UUID.randomUUID().toString(), name, LanguageCode.of("en"),
                LanguageCode.of("en"), false, Instant.now());
        redis.hset(RedisKeys.participants(roomId), p.participantId(), RelayBenchmark.JSON.writeValueAsString(p));
        redis.expire(RedisKeys.participants(roomId), 3600);
        return p;
    }

    String token(String roomId, Participant p) {
        Instant now = Instant.now();
        return tokens.sign(new ParticipantClaims(roomId, p.participantId(), p.displayName(), p.spokenLanguage(),
                p.captionLanguage(), p.dubbing(), now, now.plus(Duration.ofHours(2)), UUID.randomUUID().toString()));
    }
}
