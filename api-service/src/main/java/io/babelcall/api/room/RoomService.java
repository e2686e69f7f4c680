package io.babelcall.api.room;

import io.babelcall.api.config.ApiProperties;
import io.babelcall.api.web.ApiException;
import io.babelcall.api.web.HumanText;
import io.babelcall.api.web.RateLimitedException;
import io.babelcall.api.web.RateLimiter;
import io.babelcall.common.room.Room;
import io.babelcall.support.logging.CallLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/** Creating and reading rooms. */
@Service
public class RoomService {

    private static final Logger log = LoggerFactory.getLogger(RoomService.class);

    /** Rate-limit operation name, also the {@code endpoint} tag of {@code babelcall.rate.limited}. */
    public static final String CREATE_OPERATION = "create_room";

    private final RoomStore store;
    private final RandomIds ids;
    private final RateLimiter rateLimiter;
    private final ApiProperties properties;
    private final Clock clock;
    private final Counter created;

    public RoomService(RoomStore store, RandomIds ids, RateLimiter rateLimiter, ApiProperties properties, Clock clock,
                       MeterRegistry meters) {
        this.store = store;
        this.ids = ids;
        this.rateLimiter = rateLimiter;
        this.properties = properties;
        this.clock = clock;
        this.created = Counter.builder("babelcall.rooms.opened").description("Rooms created").register(meters);
        rateLimiter.register(CREATE_OPERATION);
    }

    /** Creates a room for {@code client} (its address), after taking a token from that client's bucket. */
    public Mono<RoomCreatedResponse> create(CreateRoomRequest request, String client) {
        Integer asked = request == null ? null : request.maxParticipants();
        if (asked != null && (asked < 2 || asked > properties.maxParticipants())) {
            // The cap is configuration (larger on the SFU), so it is checked here rather than by an annotation.
            String message = "must be between 2 and " + properties.maxParticipants();
            ApiException refused = new ApiException(HttpStatus.BAD_REQUEST, "validation_failed",
                    "Invalid request: maxParticipants: " + message);
            refused.getBody().setProperty("errors", List.of(Map.of("field", "maxParticipants", "message", message)));
            return Mono.error(refused);
        }
        ApiProperties.RateLimit limit = properties.rateLimit();
        Mono<Void> admitted = limit.enabled()
                ? rateLimiter.take(CREATE_OPERATION, RateLimitedException.Scope.ADDRESS, client,
                        limit.roomsPerMinute(), limit.burst())
                : Mono.empty();
        return admitted.then(Mono.defer(() -> insert(request, 3)));
    }

    private Mono<RoomCreatedResponse> insert(CreateRoomRequest request, int attempts) {
        Instant now = now();
        String name = request == null || request.name() == null ? null : HumanText.normalise(request.name());
        name = name == null || name.isEmpty() ? null : name;
        int max = request == null || request.maxParticipants() == null
                ? properties.defaultMaxParticipants() : request.maxParticipants();
        Room room = new Room(ids.roomId(), name, max, now, now.plus(properties.roomTtl()));
        return store.create(room, properties.roomTtl()).flatMap(stored -> {
            if (!stored) {
                return attempts > 1 ? insert(request, attempts - 1)
                        : Mono.error(new IllegalStateException("could not allocate a free room id"));
            }
            created.increment();
            CallLog.info(log, room.roomId(), null).log("room {} created (max {} participants)", room.roomId(),
                    room.maxParticipants());
            return Mono.just(new RoomCreatedResponse(room.roomId(), properties.joinUrl(room.roomId()), room.name(),
                    room.maxParticipants(), room.createdAt(), room.expiresAt()));
        });
    }

    /** The room and its participants; reading counts as activity and extends the room's life. */
    public Mono<RoomResponse> get(String roomId) {
        if (!RandomIds.wellFormed(roomId)) {
            return Mono.error(new RoomNotFoundException());
        }
        Instant expiresAt = now().plus(properties.roomTtl());
        return store.touchAndRead(roomId, properties.roomTtl(), expiresAt).flatMap(found -> found
                .map(stored -> Mono.just(new RoomResponse(roomId, properties.joinUrl(roomId), stored.room().name(),
                        stored.room().maxParticipants(), stored.room().createdAt(), stored.room().expiresAt(),
                        stored.participants(), stored.connectedParticipantIds())))
                .orElseGet(() -> Mono.error(new RoomNotFoundException())));
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
