package io.babelcall.api.join;

import io.babelcall.api.config.ApiProperties;
import io.babelcall.support.logging.CallLog;
import io.babelcall.support.token.TokenProperties;
import io.babelcall.api.ice.IceServerFactory;
import io.babelcall.api.room.RandomIds;
import io.babelcall.api.web.HumanText;
import io.babelcall.api.web.RateLimitedException;
import io.babelcall.api.web.RateLimiter;
import io.babelcall.api.room.RoomNotFoundException;
import io.babelcall.api.room.RoomStore;
import io.babelcall.common.language.LanguageCode;
import io.babelcall.common.room.Participant;
import io.babelcall.common.token.ParticipantClaims;
import io.babelcall.common.token.ParticipantTokens;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/** Joining (issues the participant token) and leaving a room. */
@Service
public class JoinService {

    private static final Logger log = LoggerFactory.getLogger(JoinService.class);

    /** Rate-limit operations (the {@code endpoint} tag of {@code babelcall.rate.limited}): per address, per room. */
    public static final String JOIN_OPERATION = "join";
    public static final String JOIN_ROOM_OPERATION = "join_room";

    private final RoomStore store;
    private final RandomIds ids;
    private final ParticipantTokens tokens;
    private final IceServerFactory iceServers;
    private final RateLimiter rateLimiter;
    private final ApiProperties api;
    private final TokenProperties tokenProperties;
    private final Clock clock;
    private final Counter joined;

    public JoinService(RoomStore store, RandomIds ids, ParticipantTokens tokens, IceServerFactory iceServers,
                       RateLimiter rateLimiter, ApiProperties api, TokenProperties tokenProperties, Clock clock,
                       MeterRegistry meters) {
        this.store = store;
        this.rateLimiter = rateLimiter;
        this.ids = ids;
        this.tokens = tokens;
        this.iceServers = iceServers;
        this.api = api;
        this.tokenProperties = tokenProperties;
        this.clock = clock;
        this.joined = Counter.builder("babelcall.participants.joined").description("Successful joins").register(meters);
        rateLimiter.register(JOIN_OPERATION);
        rateLimiter.register(JOIN_ROOM_OPERATION);
    }

    /**
     * Joins {@code client} (its address) to the room, after taking a token from the client's join bucket, then from
     * the room's: quick joins cannot fill a room with participants who never connect (their seats are only freed
     * after unconnected-seat-ttl), from one address or from many.
     */
    public Mono<JoinResponse> join(String roomId, JoinRequest request, String client) {
        if (!RandomIds.wellFormed(roomId)) {
            return Mono.error(new RoomNotFoundException());
        }
        ApiProperties.RateLimit limit = api.rateLimit();
        Mono<Void> admitted = limit.enabled()
                ? rateLimiter.take(JOIN_OPERATION, RateLimitedException.Scope.ADDRESS, client, limit.joinsPerMinute(),
                        limit.joinBurst())
                .then(rateLimiter.take(JOIN_ROOM_OPERATION, RateLimitedException.Scope.ROOM, roomId,
                        limit.roomJoinsPerMinute(), limit.roomJoinBurst()))
                : Mono.empty();
        return admitted.then(Mono.defer(() -> insert(roomId, request)));
    }

    private Mono<JoinResponse> insert(String roomId, JoinRequest request) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        LanguageCode spoken = LanguageCode.of(request.spokenLanguage());
        LanguageCode caption = request.captionLanguage() == null ? spoken : LanguageCode.of(request.captionLanguage());
        boolean dubbing = Boolean.TRUE.equals(request.dubbing());
        Participant participant = new Participant(ids.participantId(), HumanText.normalise(request.displayName()), spoken, caption,
                dubbing, now);
        Instant ghostsBefore = now.minus(api.unconnectedSeatTtl()); // joined, never connected: seat reusable
        return store.join(roomId, participant, api.roomTtl(), now.plus(api.roomTtl()), ghostsBefore).flatMap(result -> {
            if (result == RoomStore.NO_ROOM) {
                return Mono.error(new RoomNotFoundException());
            }
            if (result == RoomStore.FULL) {
                return Mono.error(new RoomFullException());
            }
            joined.increment();
            CallLog.info(log, roomId, participant.participantId())
                    .log("participant {} joined room {} (speaks {}, captions {})", participant.participantId(), roomId,
                            spoken, caption);
            // JWT times are whole seconds; the response states exactly what the token says.
            Instant issuedAt = now.truncatedTo(ChronoUnit.SECONDS);
            Instant expiresAt = issuedAt.plus(tokenProperties.ttl());
            String token = tokens.sign(new ParticipantClaims(roomId, participant.participantId(),
                    participant.displayName(), spoken, caption, dubbing, issuedAt, expiresAt, ids.tokenId()));
            return Mono.just(new JoinResponse(roomId, participant.participantId(), token, expiresAt,
                    api.signalingUrl(), api.audioUrl(), api.orchestratorUrl(),
                    iceServers.forParticipant(participant.participantId()), participant));
        });
    }

    /** Removes the participant; the caller has checked the token is this participant's in this room. */
    public Mono<Void> leave(String roomId, String participantId) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        return store.leave(roomId, participantId, api.roomTtl(), now.plus(api.roomTtl())).flatMap(result -> {
            if (result == RoomStore.NO_ROOM) {
                return Mono.error(new RoomNotFoundException());
            }
            if (result == RoomStore.NO_PARTICIPANT) {
                return Mono.error(new ParticipantNotFoundException());
            }
            CallLog.info(log, roomId, participantId).log("participant {} left room {}", participantId, roomId);
            return Mono.<Void>empty();
        });
    }
}
