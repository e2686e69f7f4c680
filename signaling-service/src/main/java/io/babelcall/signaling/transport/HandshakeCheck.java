package io.babelcall.signaling.transport;

import io.babelcall.common.room.Participant;
import io.babelcall.common.token.InvalidTokenException;
import io.babelcall.common.token.ParticipantClaims;
import io.babelcall.common.token.ParticipantTokens;
import io.babelcall.common.token.TokenCarrier;
import io.babelcall.signaling.metrics.SignalingMetrics;
import io.babelcall.signaling.presence.PresenceStore;
import io.babelcall.support.logging.CallLog;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Decides a handshake before any socket exists: 403 for an origin that is neither this host nor allowed (or does not
 * parse); 401 for a missing, malformed, forged or expired token; 403 when the room no longer lists the participant
 * (removed, or the room is gone); 503 when the participant store cannot answer. Free of any HTTP library: the route
 * passes the few headers it needs. {@link #check} reads Redis, so it runs on a worker, never on an event loop.
 */
public final class HandshakeCheck {

    private static final Logger log = LoggerFactory.getLogger(HandshakeCheck.class);

    private final ParticipantTokens tokens;
    private final PresenceStore store;
    private final SignalingMetrics metrics;
    private final List<String> allowedOrigins;
    private final boolean anyOrigin;

    public HandshakeCheck(ParticipantTokens tokens, PresenceStore store, SignalingMetrics metrics,
                          List<String> allowedOrigins) {
        this.tokens = tokens;
        this.store = store;
        this.metrics = metrics;
        this.allowedOrigins = allowedOrigins.stream().map(HandshakeCheck::normalise).toList();
        this.anyOrigin = allowedOrigins.contains("*");
    }

    /** What the route read from the upgrade request; any of them may be null. */
    public record Request(String origin, String host, String rawQuery, String subprotocols) {
    }

    /** Either the verified claims, or the HTTP status and the reason to refuse with. */
    public record Verdict(ParticipantClaims claims, int status, String detail) {

        static Verdict accept(ParticipantClaims claims) {
            return new Verdict(claims, 101, null);
        }

        static Verdict refuse(int status, String detail) {
            return new Verdict(null, status, detail);
        }

        public boolean accepted() {
            return claims != null;
        }
    }

    /**
     * Origin first (cheap, and what protects browsers' users from other sites' pages): requests without an
     * {@code Origin} header come from programs, not pages, and pass.
     */
    public Verdict check(Request request) {
        if (request.origin() != null && !originAllowed(request.origin(), request.host())) {
            log.info("refused a signaling handshake from origin {}", request.origin());
            return Verdict.refuse(403, "origin not allowed");
        }
        Optional<String> token = TokenCarrier.fromQuery(request.rawQuery())
                .or(() -> request.subprotocols() == null ? Optional.empty()
                        : TokenCarrier.fromSubprotocols(request.subprotocols()));
        ParticipantClaims claims;
        try {
            claims = tokens.verify(token.orElse(null));
        } catch (InvalidTokenException e) {
            metrics.closed("invalid_token");
            log.info("refused a signaling handshake: {}", e.getMessage());
            return Verdict.refuse(401, e.getMessage());
        }
        Participant p;
        try {
            p = store.participant(claims.roomId(), claims.participantId());
        } catch (RuntimeException e) {
            CallLog.warn(log, claims.roomId(), claims.participantId())
                    .log("cannot check participant {}: {}", claims.participantId(), e.toString());
            return Verdict.refuse(503, "participant store unavailable; retry");
        }
        if (p == null) {
            metrics.closed("invalid_token");
            CallLog.info(log, claims.roomId(), claims.participantId()).log(
                    "refused a signaling handshake: room {} does not list participant {}", claims.roomId(),
                    claims.participantId());
            return Verdict.refuse(403, "the room does not list this participant");
        }
        CallLog.at(log, Level.DEBUG, claims.roomId(), claims.participantId())
                .log("signaling handshake of {} in room {} accepted", claims.participantId(), claims.roomId());
        return Verdict.accept(claims);
    }

    /**
     * The page's own host (the {@code Host} it connected to, scheme's default port when none is written), or one of
     * the configured origins (case-insensitive, without a trailing slash; {@code *} allows any). An origin that does
     * not parse as scheme://host[:port] is refused.
     */
    boolean originAllowed(String origin, String host) {
        URI uri;
        try {
            uri = new URI(origin);
        } catch (URISyntaxException e) {
            return false;
        }
        String scheme = uri.getScheme();
        if (uri.getHost() == null || scheme == null || !(scheme.equalsIgnoreCase("http")
                || scheme.equalsIgnoreCase("https"))) {
            return false;
        }
        if (anyOrigin || allowedOrigins.contains(normalise(origin))) {
            return true;
        }
        int port = uri.getPort() != -1 ? uri.getPort() : scheme.equalsIgnoreCase("https") ? 443 : 80;
        return host != null && sameHost(uri.getHost(), port, host, scheme.equalsIgnoreCase("https") ? 443 : 80);
    }

    private static boolean sameHost(String originHost, int originPort, String hostHeader, int defaultPort) {
        URI h;
        try {
            h = new URI("http://" + hostHeader);
        } catch (URISyntaxException e) {
            return false;
        }
        int port = h.getPort() != -1 ? h.getPort() : defaultPort;
        return h.getHost() != null && h.getHost().equalsIgnoreCase(originHost) && port == originPort;
    }

    private static String normalise(String origin) {
        String o = origin.strip().toLowerCase(Locale.ROOT);
        return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
    }
}
